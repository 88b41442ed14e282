import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ReportError, type AuditSeverity } from '../../../src/quality-gate/model.js';
import {
  cvssBaseScore,
  parseCargoAudit,
  severityFromCvss,
} from '../../../src/quality-gate/parsers/cargo-audit.js';
import { fileSource, textSource } from '../../../src/core/reports/source.js';

const FIXTURES = fileURLToPath(
  new URL('../../fixtures/quality-gate/cargo-audit/', import.meta.url),
);
const CONTEXT = { workspace: '/home/runner/work/app/app', origin: 'audit.json' };

function parseFixture(name: string) {
  const path = join(FIXTURES, name);
  return parseCargoAudit(fileSource(path), { ...CONTEXT, origin: path });
}

describe('cvssBaseScore', () => {
  // Base scores as FIRST's calculator and the CVSS specification examples give them.
  it.each<[string, string, number | undefined]>([
    [
      'v3.1 network, no privileges, full impact',
      'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
      9.8,
    ],
    ['v3.1 scope changed, full impact', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', 10],
    [
      'v3.1 confidentiality only (CVE-2014-0160)',
      'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N',
      7.5,
    ],
    ['v3.0 spec example CVE-2013-1937', 'CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 6.1],
    [
      'v3.1 local, high complexity, availability',
      'CVSS:3.1/AV:L/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H',
      5.1,
    ],
    ['v3.1 low impact', 'CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N', 1.8],
    ['v3.1 no impact', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 0],
    ['v4.0 vector', 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 9.3],
    ['an incomplete vector', 'CVSS:3.1/AV:N', undefined],
    ['not a vector', 'high', undefined],
  ])('%s', (_case, vector, expected) => {
    expect(cvssBaseScore(vector)).toBe(expected);
  });
});

describe('severityFromCvss', () => {
  it.each<[string, unknown, AuditSeverity]>([
    ['9.0 and above is critical', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'critical'],
    ['7.0 to 8.9 is high', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', 'high'],
    ['4.0 to 6.9 is moderate', 'CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 'moderate'],
    ['0.1 to 3.9 is low', 'CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N', 'low'],
    ['0.0 is info', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 'info'],
    ['no CVSS is moderate', null, 'moderate'],
    ['a vector that cannot be scored is moderate', 'CVSS:9/garbage', 'moderate'],
  ])('%s', (_case, vector, expected) => {
    expect(severityFromCvss(vector)).toBe(expected);
  });
});

describe('parseCargoAudit', () => {
  it('lists each vulnerability with a severity from its CVSS vector', async () => {
    const { audit } = await parseFixture('vulnerable.json');
    expect(audit).toEqual({
      counts: { info: 0, low: 0, moderate: 2, high: 0, critical: 1 },
      vulnerabilities: [
        {
          id: 'RUSTSEC-2021-0003',
          package: 'smallvec',
          version: '1.6.0',
          severity: 'critical',
          title: 'Buffer overflow in SmallVec::insert_many',
          url: 'https://github.com/servo/rust-smallvec/issues/252',
        },
        {
          id: 'RUSTSEC-2020-0071',
          package: 'time',
          version: '0.1.45',
          severity: 'moderate',
          title: 'Potential segfault in the time crate',
          url: 'https://github.com/time-rs/time/issues/293',
        },
        {
          id: 'RUSTSEC-2023-0018',
          package: 'remove_dir_all',
          version: '0.5.3',
          severity: 'moderate',
          title: 'Race Condition Enabling Link Following and Time-of-check Time-of-use (TOCTOU)',
          url: 'https://rustsec.org/advisories/RUSTSEC-2023-0018.html',
        },
      ],
    });
  });

  it('turns warnings into notices on Cargo.lock', async () => {
    const { findings } = await parseFixture('vulnerable.json');
    expect(findings).toEqual([
      {
        source: 'cargo-audit',
        rule: 'RUSTSEC-2021-0139',
        severity: 'notice',
        message: 'ansi_term 0.12.1 is unmaintained: ansi_term is Unmaintained (RUSTSEC-2021-0139)',
        file: 'Cargo.lock',
      },
      {
        source: 'cargo-audit',
        rule: 'yanked',
        severity: 'notice',
        message: 'futures-util 0.3.7 is yanked',
        file: 'Cargo.lock',
      },
    ]);
  });

  it('a clean audit has zero counts and no findings', async () => {
    expect(await parseFixture('clean.json')).toEqual({
      findings: [],
      audit: {
        counts: { info: 0, low: 0, moderate: 0, high: 0, critical: 0 },
        vulnerabilities: [],
      },
    });
  });

  it.each([
    ['empty output, as when cargo audit failed to fetch the database', '', /is empty/],
    ['the human report', 'Crate:     smallvec\nVersion:   1.6.0\n', /not valid JSON/],
    [
      'JSON of another tool',
      '{"auditReportVersion": 2, "vulnerabilities": {}}',
      /no "vulnerabilities.list" array/,
    ],
  ])('refuses %s', async (_case, text, problem) => {
    const parse = () => parseCargoAudit(textSource(text, 'audit.json'), CONTEXT);
    await expect(parse()).rejects.toThrow(ReportError);
    await expect(parse()).rejects.toThrow(problem);
  });

  // Each row was accepted before shape checks: the malformed field was skipped or defaulted.
  it.each<[string, unknown, string]>([
    [
      'a vulnerability that is not an object',
      { vulnerabilities: { list: ['RUSTSEC-2021-0003'] } },
      'vulnerabilities.list[0] must be an object',
    ],
    [
      'an advisory that is a string',
      { vulnerabilities: { list: [{ advisory: 'RUSTSEC-2021-0003' }] } },
      'vulnerabilities.list[0].advisory must be an object',
    ],
    [
      'a CVSS vector that is a number',
      { vulnerabilities: { list: [{ advisory: { id: 'RUSTSEC-2021-0003', cvss: 9.8 } }] } },
      'vulnerabilities.list[0].advisory.cvss must be a string',
    ],
    [
      'a package name that is not a string',
      { vulnerabilities: { list: [{ package: { name: 7 } }] } },
      'vulnerabilities.list[0].package.name must be a string',
    ],
    ['warnings that are a list', { warnings: [] }, 'warnings must be an object'],
    [
      'warnings of a kind that are not a list',
      { warnings: { unmaintained: { package: { name: 'a' } } } },
      'warnings["unmaintained"] must be an array',
    ],
    [
      'a warning that is not an object',
      { warnings: { yanked: ['a'] } },
      'warnings["yanked"][0] must be an object',
    ],
  ])('refuses a malformed shape: %s', async (_case, fields, problem) => {
    const text = JSON.stringify({ vulnerabilities: { list: [] }, ...(fields as object) });
    const parse = () => parseCargoAudit(textSource(text, 'audit.json'), CONTEXT);
    await expect(parse()).rejects.toThrow(ReportError);
    await expect(parse()).rejects.toThrow(
      `is not \`cargo audit --json\` output: ${problem}, as cargo audit writes it.`,
    );
  });
});
