import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { expect } from 'vitest';
import { ReportError } from '../../src/core/reports/source.js';
import type { ReportSource } from '../../src/core/reports/source.js';

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

/** A report that can only be streamed, in the pieces given: an XML reader never reads one whole. */
export function streamedSource(origin: string, chunks: () => Iterable<Buffer>): ReportSource {
  return {
    origin,
    open: () => Readable.from(chunks()),
    readText: () => Promise.reject(new Error(`${origin} must be streamed, not read whole`)),
  };
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

/** A case for a parser's safety table: what the file is, how to make it, what the refusal says. */
export type HostileCase = [name: string, content: () => string | Buffer, expected: RegExp];

/**
 * Broken files every streaming XML reader must refuse the same way, whatever the format: the
 * wording comes from core/reports/xml-stream.
 * @param root the format's root element
 * @param valid a real report of that format, to cut short
 */
export function malformedXmlCases(root: string, valid: string): HostileCase[] {
  return [
    [
      'an entity nobody declared',
      () => `<${root}>\n<x a="&xxe;"/></${root}>`,
      /is truncated or not well-formed \(line 2\): undefined entity/,
    ],
    [
      'a file cut off in the middle',
      () => valid.slice(0, Math.floor(valid.length / 2)),
      /is truncated or not well-formed \(line \d+\)/,
    ],
    [
      'an unterminated CDATA section',
      () => `<${root}>\n<![CDATA[never closed`,
      /is truncated or not well-formed \(line 2\)/,
    ],
    [
      'text after the root element',
      () => `<${root}/>\nleft over`,
      /is truncated or not well-formed \(line 2\)/,
    ],
    [
      'binary garbage',
      () => garbage(64 * 1024),
      /is not an XML document \(line \d+: .*\); expected a/,
    ],
    ['only whitespace and a byte order mark', () => '\uFEFF \n\t\n', /is empty/],
    [
      'elements nested a hundred thousand deep',
      () => `<${root}>${'<a>'.repeat(100_000)}`,
      /nests elements more than 256 levels deep/,
    ],
  ];
}

export interface EntityServer {
  url: string;
  /** Requests received: a parser that fetched a DTD or an entity made one. */
  readonly requests: number;
  close(): Promise<void>;
}

/** Serves an entity definition to whoever asks, and counts the asking. */
export async function startEntityServer(): Promise<EntityServer> {
  const state = { requests: 0 };
  const server = createServer((_request, response) => {
    state.requests += 1;
    response.end('<!ENTITY leak "fetched">');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
