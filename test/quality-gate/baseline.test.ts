import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ActionError } from '../../src/core/errors.js';
import {
  MAX_BASELINE_BYTES,
  parseBaseline,
  readBaseline,
} from '../../src/quality-gate/baseline.js';
import { evaluateGate } from '../../src/quality-gate/gate.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/quality-gate/baseline/', import.meta.url));
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

/** The counts the seed pipeline's saved result holds (see result.test.ts). */
const SEED_COUNTS = [
  ['fmt', { errors: 0, warnings: 0, testFailures: 0, vulnerabilities: 0 }],
  ['clippy', { errors: 0, warnings: 2, testFailures: 0, vulnerabilities: 0 }],
  ['tests', { errors: 0, warnings: 0, testFailures: 0, vulnerabilities: 0 }],
  ['audit', { errors: 0, warnings: 0, testFailures: 0, vulnerabilities: 1 }],
];

describe('parseBaseline reads saved results', () => {
  it.each([
    ['the result output saved as is', fixture('result-v1.json')],
    [
      'the result saved through toJSON(), a JSON string of the JSON',
      fixture('result-v1-tojson.json'),
    ],
    ['a file with a byte order mark, as PowerShell writes', `\uFEFF${fixture('result-v1.json')}`],
  ])('%s', (_, text) => {
    const baseline = parseBaseline(text, 'quality-gate-baseline.json');
    expect([...baseline.checks]).toEqual(SEED_COUNTS);
    expect(baseline.origin).toBe('quality-gate-baseline.json');
    expect(baseline.commit).toBe('8f14e45fceea167a5a36dedd4bea2543b2c3d4e5');
  });

  it('drives the ratchet: the saved clippy warnings become the bar', () => {
    const baseline = parseBaseline(fixture('result-v1.json'), 'quality-gate-baseline.json');
    const warnings = (count: number) =>
      Array.from({ length: count }, (_, i) => ({
        source: 'clippy',
        severity: 'warning' as const,
        message: 'w',
        file: 'src/main.rs',
        line: i + 1,
      }));
    const run = (count: number) =>
      evaluateGate(
        [
          {
            name: 'clippy',
            format: 'clippy',
            origin: 'run',
            exitCode: 0,
            report: { findings: warnings(count) },
            thresholds: {},
          },
        ],
        {},
        { baseline },
      );
    expect(run(2).passed).toBe(true);
    expect(run(3).reasons).toEqual(['clippy: warnings grew from 2 to 3 (baseline)']);
  });
});

describe('parseBaseline refuses what is not a result', () => {
  it.each([
    ['an empty file', '', /\(b\.json\) is empty\./],
    [
      'text that is not JSON',
      'Error: Process completed with exit code 1.',
      /\(b\.json\) is not JSON: /,
    ],
    [
      'a JSON array (an ESLint report)',
      fixture('eslint-report.json'),
      /is not a Slipway quality-gate result: it is not a JSON object\./,
    ],
    [
      'an object without a schema',
      '{"passed": true, "checks": []}',
      /is not a Slipway quality-gate result: it has no "schema": "slipway.quality-gate\/v1" field\./,
    ],
    [
      "another Slipway action's result",
      fixture('coverage-result.json'),
      /is the result of another Slipway action \("slipway.coverage\/v1"\), not of quality-gate\./,
    ],
    [
      'a result from a later schema',
      '{"schema": "slipway.quality-gate/v2", "checks": []}',
      /has schema "slipway.quality-gate\/v2", which this version of the action cannot read \(it reads "slipway.quality-gate\/v1"\)\./,
    ],
    [
      'a result without checks',
      '{"schema": "slipway.quality-gate/v1", "passed": true}',
      /is missing its "checks" list/,
    ],
    [
      'a check without a name',
      '{"schema": "slipway.quality-gate/v1", "checks": [{"counts": {}}]}',
      /has an entry without a name at checks\[0\]\./,
    ],
    [
      'a check without counts',
      '{"schema": "slipway.quality-gate/v1", "checks": [{"name": "fmt"}]}',
      /is missing counts at checks\[0\] \("fmt"\)\./,
    ],
    [
      'counts that are missing or not numbers',
      fixture('missing-counts.json'),
      /is missing counts at checks\[1\] \("clippy"\): counts.errors, counts.warnings must be whole numbers of 0 or more\./,
    ],
    [
      'a negative count',
      '{"schema": "slipway.quality-gate/v1", "checks": [{"name": "a", "counts": {"errors": -1, "warnings": 0, "testFailures": 0, "vulnerabilities": 0}}]}',
      /counts.errors must be whole numbers/,
    ],
    [
      'the same check twice',
      JSON.stringify({
        schema: 'slipway.quality-gate/v1',
        checks: [1, 2].map(() => ({
          name: 'lint',
          counts: { errors: 0, warnings: 0, testFailures: 0, vulnerabilities: 0 },
        })),
      }),
      /names check "lint" twice \(again at checks\[1\]\)\./,
    ],
  ])('%s', (_, text, message) => {
    const attempt = () => parseBaseline(text, 'b.json');
    expect(attempt).toThrow(ActionError);
    expect(attempt).toThrow(/^Input 'baseline' \(b\.json\) /);
    expect(attempt).toThrow(message);
    expect(attempt).toThrow(
      expect.objectContaining({ hint: expect.stringContaining('steps.gate.outputs.result') }),
    );
  });

  it('refuses text larger than a result can plausibly be', () => {
    const huge = `{"schema":"slipway.quality-gate/v1","checks":[],"pad":"${'x'.repeat(MAX_BASELINE_BYTES)}"}`;
    expect(() => parseBaseline(huge, 'b.json')).toThrow(
      /is 4,194,3\d\d bytes, more than the 4 MiB a quality-gate result can plausibly be/,
    );
  });
});

describe('readBaseline', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-baseline-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a saved result from a file', async () => {
    const path = join(dir, 'ok.json');
    writeFileSync(path, fixture('result-v1.json'));
    expect([...(await readBaseline(path)).checks]).toEqual(SEED_COUNTS);
  });

  it.each([
    [
      'a path that does not exist',
      () => join(dir, 'missing.json'),
      /missing\.json\) does not exist\./,
    ],
    ['a directory', () => dir, /\) is not a file\./],
    [
      'a file over the size limit, without reading it',
      () => {
        const path = join(dir, 'big.json');
        writeFileSync(path, Buffer.alloc(MAX_BASELINE_BYTES + 1, 0x20));
        return path;
      },
      /big\.json\) is 4,194,305 bytes, more than the 4 MiB/,
    ],
  ])('refuses %s, naming the input', async (_, makePath, message) => {
    const attempt = readBaseline(makePath());
    await expect(attempt).rejects.toThrow(/^Input 'baseline' \(/);
    await expect(attempt).rejects.toThrow(message);
  });
});
