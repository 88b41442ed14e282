import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedReport } from '../../../src/quality-gate/model.js';
import { parseCheckstyle } from '../../../src/quality-gate/parsers/checkstyle.js';
import { parseJunit } from '../../../src/quality-gate/parsers/junit.js';
import { fileSource } from '../../../src/core/reports/source.js';
import type { ReportSource } from '../../../src/core/reports/source.js';
import {
  billionLaughs,
  malformedXmlCases,
  refusal,
  startEntityServer,
  type EntityServer,
} from '../../support/hostile-xml.js';

/** Each hostile report must end in a ReportError quickly: never a hang, a crash or a leak. */
const QUICKLY = { timeout: 10_000 };

const FIXTURES = fileURLToPath(new URL('../../fixtures/quality-gate/', import.meta.url));

const PARSERS = {
  junit: { parse: parseJunit, root: 'testsuites' },
  checkstyle: { parse: parseCheckstyle, root: 'checkstyle' },
} as const;
type Format = keyof typeof PARSERS;

let scratch: string;
let entityServer: EntityServer;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'slipway-xml-safety-'));
  entityServer = await startEntityServer();
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
  await entityServer.close();
});

async function parseFile(format: Format, content: string | Buffer): Promise<ParsedReport> {
  const path = join(scratch, `${format}-${Math.random().toString(36).slice(2)}.xml`);
  await writeFile(path, content);
  return PARSERS[format].parse(fileSource(path), { workspace: scratch, origin: 'report.xml' });
}

describe.each(Object.keys(PARSERS) as Format[])('a hostile or broken %s report', (format) => {
  const { parse, root } = PARSERS[format];
  const valid = readFileSync(
    join(FIXTURES, format === 'junit' ? 'junit/surefire-reruns.xml' : 'checkstyle/shellcheck.xml'),
    'utf8',
  );

  it.each<[string, () => string | Buffer, RegExp]>([
    ['billion laughs', () => billionLaughs(root), /DOCTYPE declaration; DTDs are not accepted/],
    [
      'an external entity',
      () =>
        `<?xml version="1.0"?><!DOCTYPE ${root} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><${root}>&xxe;</${root}>`,
      /DOCTYPE declaration; DTDs are not accepted/,
    ],
    [
      'an external DTD',
      () =>
        `<?xml version="1.0"?><!DOCTYPE ${root} SYSTEM "${entityServer.url}/evil.dtd"><${root}/>`,
      /DOCTYPE declaration; DTDs are not accepted/,
    ],
    ['JSON', () => '{"testsuites": []}', /is not an XML document \(line 1: .*\)/],
    ['an empty file', () => '', /is empty; expected a (JUnit|Checkstyle) XML report/],
    [
      'an HTML page',
      () => '<html><body>502 Bad Gateway</body></html>',
      new RegExp(`has the root element <html>, not <${root}>`),
    ],
    ...malformedXmlCases(root, valid),
  ])('%s', QUICKLY, async (_case, content, expected) => {
    const message = await refusal(parseFile(format, content()));
    expect(message).toMatch(/^report\.xml: /);
    expect(message).toMatch(expected);
    // Nothing from an entity's target may leak into the message.
    expect(message).not.toContain('root:x:0');
    expect(message).not.toContain('lollollol');
  });

  it('a report that does not exist', QUICKLY, async () => {
    const missing = join(scratch, 'missing.xml');
    const message = await refusal(
      parse(fileSource(missing), { workspace: scratch, origin: missing }),
    );
    expect(message).toMatch(/missing\.xml: could not be read: ENOENT/);
  });
});

describe('refused DTDs', () => {
  it('never fetch anything', QUICKLY, async () => {
    await refusal(
      parseFile(
        'junit',
        `<!DOCTYPE testsuites [<!ENTITY % remote SYSTEM "${entityServer.url}/p.dtd"> %remote;]><testsuites/>`,
      ),
    );
    expect(entityServer.requests).toBe(0);
  });
});

describe('a text node far larger than anything kept', () => {
  const CHARACTERS = 128 * 1024 * 1024;
  const CHUNK = 'z'.repeat(64 * 1024);

  it('is read with bounded memory and cut to its head', { timeout: 60_000 }, async () => {
    let peakHeap = 0;
    function* chunks(): Generator<Buffer> {
      yield Buffer.from('<testsuite><testcase name="t"><failure>START');
      for (let written = 0; written < CHARACTERS; written += CHUNK.length) {
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
        yield Buffer.from(CHUNK);
      }
      yield Buffer.from('</failure><system-out><![CDATA[');
      for (let written = 0; written < CHARACTERS; written += CHUNK.length) {
        peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
        yield Buffer.from(CHUNK);
      }
      yield Buffer.from(']]></system-out></testcase></testsuite>');
    }
    const source: ReportSource = {
      origin: 'huge.xml',
      open: () => Readable.from(chunks()),
      readText: () => Promise.reject(new Error('must be streamed')),
    };
    const baseline = process.memoryUsage().heapUsed;
    const report = await parseJunit(source, { workspace: '/repo', origin: 'huge.xml' });
    const [test] = report.tests?.notable ?? [];
    expect(test?.details).toMatch(/^STARTz{3995} … \(truncated\)$/);
    // Holding either text whole takes at least 128 MiB; what remains is garbage not yet collected.
    expect(peakHeap - baseline).toBeLessThan(64 * 1024 * 1024);
  });
});
