import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseClover } from '../../../src/coverage/formats/clover.js';
import { parseCobertura } from '../../../src/coverage/formats/cobertura.js';
import { parseJacoco } from '../../../src/coverage/formats/jacoco.js';
import type { CoverageParseContext, CoverageReport } from '../../../src/coverage/model.js';
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

const FIXTURES = fileURLToPath(new URL('../../fixtures/coverage/', import.meta.url));

type Parse = (source: ReportSource, context: CoverageParseContext) => Promise<CoverageReport>;

const FORMATS: Record<string, { parse: Parse; root: string; fixture: string; name: string }> = {
  cobertura: {
    parse: parseCobertura,
    root: 'coverage',
    fixture: 'cobertura/c8-12.xml',
    name: 'Cobertura',
  },
  jacoco: {
    parse: parseJacoco,
    root: 'report',
    fixture: 'jacoco/jacoco-0.8.6.xml',
    name: 'JaCoCo',
  },
  clover: {
    parse: parseClover,
    root: 'coverage',
    fixture: 'clover/phpunit-9.6-pcov.xml',
    name: 'Clover',
  },
};

let scratch: string;
let entityServer: EntityServer;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'slipway-coverage-xml-'));
  entityServer = await startEntityServer();
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
  await entityServer.close();
});

async function parseFile(parse: Parse, content: string | Buffer): Promise<CoverageReport> {
  const path = join(scratch, `${Math.random().toString(36).slice(2)}.xml`);
  await writeFile(path, content);
  return parse(fileSource(path), { workspace: scratch, origin: 'report.xml' });
}

describe.each(Object.keys(FORMATS))('a hostile or broken %s report', (format) => {
  const { parse, root, fixture, name } = FORMATS[format];
  const valid = readFileSync(join(FIXTURES, fixture), 'utf8');
  const refusedDtd = /DOCTYPE declaration; DTDs are not accepted/;

  it.each<[string, () => string | Buffer, RegExp]>([
    ['billion laughs', () => billionLaughs(root), refusedDtd],
    [
      'an external entity',
      () =>
        `<?xml version="1.0"?><!DOCTYPE ${root} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><${root}>&xxe;</${root}>`,
      refusedDtd,
    ],
    [
      'a parameter entity fetching a remote DTD',
      () =>
        `<!DOCTYPE ${root} [<!ENTITY % remote SYSTEM "${entityServer.url}/p.dtd"> %remote;]><${root}/>`,
      refusedDtd,
    ],
    [
      'an internal subset after an external DTD',
      () =>
        `<?xml version="1.0"?>\n<!DOCTYPE ${root} SYSTEM "x.dtd" [<!ENTITY a "b">]>\n<${root}>&a;</${root}>`,
      refusedDtd,
    ],
    [
      'an entity from an external DTD (which is never loaded)',
      () =>
        `<?xml version="1.0"?>\n<!DOCTYPE ${root} SYSTEM "${entityServer.url}/evil.dtd">\n<${root}>\n&leak;</${root}>`,
      /is truncated or not well-formed \(line 4\): undefined entity/,
    ],
    ['JSON', () => '{"total": {"lines": {}}}', /is not an XML document \(line 1: .*\)/],
    ['an empty file', () => '', new RegExp(`is empty; expected a ${name} XML report`)],
    [
      'an HTML page',
      () => '<html><body>502 Bad Gateway</body></html>',
      new RegExp(`has the root element <html>, not <${root}>; it is not a ${name} report`),
    ],
    [
      'a JUnit report',
      () => '<?xml version="1.0"?>\n<testsuites><testsuite name="a"/></testsuites>',
      /has the root element <testsuites>/,
    ],
    ...malformedXmlCases(root, valid),
  ])('%s', QUICKLY, async (_case, content, expected) => {
    const message = await refusal(parseFile(parse, content()));
    expect(message).toMatch(/^report\.xml: /);
    expect(message).toMatch(expected);
    // Nothing from an entity's target may leak into the message.
    expect(message).not.toContain('root:x:0');
    expect(message).not.toContain('lollollol');
    expect(message).not.toContain('fetched');
  });

  it('a report that does not exist', QUICKLY, async () => {
    const missing = join(scratch, 'missing.xml');
    const message = await refusal(
      parse(fileSource(missing), { workspace: scratch, origin: missing }),
    );
    expect(message).toMatch(/missing\.xml: could not be read: ENOENT/);
  });

  it.each([
    ['without', ''],
    ['with', '\uFEFF'],
  ])(
    'a DOCTYPE naming only an external DTD is read, nothing fetched (%s a byte order mark)',
    QUICKLY,
    async (_case, mark) => {
      const xml = `${mark}<?xml version="1.0"?>\n<!-- written by a tool -->\n<!DOCTYPE ${root} PUBLIC "-//X//DTD Y//EN"\n  "${entityServer.url}/report.dtd">\n<${root}/>`;
      const report = await parseFile(parse, xml);
      expect(report.files).toEqual([]);
    },
  );

  it('the captured report read a byte at a time', QUICKLY, async () => {
    const bytes = readFileSync(join(FIXTURES, fixture));
    const source: ReportSource = {
      origin: 'trickle.xml',
      open: () => Readable.from(Array.from(bytes, (byte) => Buffer.from([byte]))),
      readText: () => Promise.reject(new Error('must be streamed')),
    };
    const whole = await parse(fileSource(join(FIXTURES, fixture)), {
      workspace: scratch,
      origin: 'whole.xml',
    });
    const trickled = await parse(source, { workspace: scratch, origin: 'trickle.xml' });
    expect(trickled.files).toEqual(whole.files);
    expect(trickled.files.length).toBeGreaterThan(0);
  });
});

describe('refused and ignored DTDs', () => {
  it('never fetch anything', () => {
    expect(entityServer.requests).toBe(0);
  });
});
