import { expect } from 'vitest';
import { ReportError } from '../../src/core/reports/source.js';

/** Reports that must be refused cleanly, shared by every XML parser's safety tests. */

/** The classic entity-expansion bomb: a few hundred bytes that expand to a billion "lol"s. */
export function billionLaughs(root: string): string {
  const levels = ['<!ENTITY lol "lol">'];
  for (let level = 1; level <= 9; level += 1) {
    levels.push(`<!ENTITY lol${level} "${`&lol${level - 1 || ''};`.repeat(10)}">`);
  }
  return `<?xml version="1.0"?>\n<!DOCTYPE ${root} [\n${levels.join('\n')}\n]>\n<${root}>&lol9;</${root}>\n`;
}

/** Deterministic noise, so that a failure can be reproduced. */
export function garbage(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  let state = 0x2545f491;
  for (let index = 0; index < size; index += 1) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[index] = state >>> 24;
  }
  return bytes;
}

/** The message of the ReportError a parse must end in. */
export async function refusal(report: Promise<unknown>): Promise<string> {
  const error = await report.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ReportError);
  return (error as ReportError).message;
}
