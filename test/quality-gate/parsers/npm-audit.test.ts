import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportError, type AuditResults } from '../../../src/quality-gate/model.js';
import { parseNpmAudit } from '../../../src/quality-gate/parsers/npm-audit.js';
import { fileSource, textSource } from '../../../src/core/reports/source.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/quality-gate/npm-audit/', import.meta.url));
const CONTEXT = { workspace: '/home/runner/work/app/app', origin: 'npm-audit.json' };

function parseFixture(name: string) {
  const path = join(FIXTURES, name);
  return parseNpmAudit(fileSource(path), { ...CONTEXT, origin: path });
}

const NONE: AuditResults['counts'] = { info: 0, low: 0, moderate: 0, high: 0, critical: 0 };

describe('parseNpmAudit', () => {
  it('counts per vulnerable package, as npm does, and lists each advisory once', async () => {
    const { audit, findings } = await parseFixture('vulnerable.json');
    expect(findings).toEqual([]);
    // mkdirp is vulnerable only through minimist: a package counted, not an advisory.
    expect(audit?.counts).toEqual({ ...NONE, high: 1, critical: 2 });
    expect(audit?.vulnerabilities).toEqual([
      {
        id: 'GHSA-35jh-r3h4-6jhm',
        package: 'lodash',
        severity: 'high',
        title: 'Command Injection in lodash',
        url: 'https://github.com/advisories/GHSA-35jh-r3h4-6jhm',
      },
      {
        id: 'GHSA-29mw-wpgm-hmr9',
        package: 'lodash',
        severity: 'moderate',
        title: 'Regular Expression Denial of Service (ReDoS) in lodash',
        url: 'https://github.com/advisories/GHSA-29mw-wpgm-hmr9',
      },
      {
        id: 'GHSA-xvch-5gv4-984h',
        package: 'minimist',
        severity: 'critical',
        title: 'Prototype Pollution in minimist',
        url: 'https://github.com/advisories/GHSA-xvch-5gv4-984h',
      },
    ]);
  });

  it('a clean audit has zero counts', async () => {
    const { audit } = await parseFixture('clean.json');
    expect(audit).toEqual({ counts: NONE, vulnerabilities: [] });
  });

  it.each<[string, unknown, Partial<AuditResults['counts']>, string[]]>([
    [
      'without metadata, entries are counted by their severity',
      {
        auditReportVersion: 2,
        vulnerabilities: {
          a: { name: 'a', severity: 'low', via: ['b'] },
          b: {
            name: 'b',
            severity: 'low',
            via: [{ source: 7, name: 'b', title: 't', severity: 'low' }],
          },
        },
      },
      { low: 2 },
      ['7'],
    ],
    [
      'the same advisory under two entries is listed once',
      {
        auditReportVersion: 2,
        vulnerabilities: {
          a: {
            name: 'a',
            severity: 'high',
            via: [
              {
                source: 9,
                name: 'a',
                title: 't',
                severity: 'high',
                url: 'https://github.com/advisories/GHSA-cfgh-jmpq-rvwx',
              },
            ],
          },
          b: {
            name: 'b',
            severity: 'high',
            via: [
              {
                source: 9,
                name: 'a',
                title: 't',
                severity: 'high',
                url: 'https://github.com/advisories/GHSA-cfgh-jmpq-rvwx',
              },
              'a',
            ],
          },
        },
        metadata: {
          vulnerabilities: { info: 0, low: 0, moderate: 0, high: 2, critical: 0, total: 2 },
        },
      },
      { high: 2 },
      ['GHSA-cfgh-jmpq-rvwx'],
    ],
    [
      'an unknown severity counts as moderate',
      {
        auditReportVersion: 2,
        vulnerabilities: {
          a: {
            name: 'a',
            severity: 'severe',
            via: [{ source: 1, title: 't', severity: 'severe' }],
          },
        },
      },
      { moderate: 1 },
      ['1'],
    ],
  ])('%s', async (_case, report, counts, ids) => {
    const { audit } = await parseNpmAudit(textSource(JSON.stringify(report), 'x'), CONTEXT);
    expect(audit?.counts).toEqual({ ...NONE, ...counts });
    expect(audit?.vulnerabilities.map((vulnerability) => vulnerability.id)).toEqual(ids);
  });

  it.each([
    [
      'ENOLOCK, as npm prints it without a lockfile',
      'enolock.json',
      /npm audit failed with ENOLOCK: This command requires an existing lockfile\./,
    ],
    [
      'an audit endpoint that failed, as npm prints it',
      'audit-endpoint-unavailable.json',
      /npm audit failed: 405 Method Not Allowed/,
    ],
    ['an npm 6 report', 'npm6-v1.json', /npm 6 audit report \(version 1.*npm 7 or later/],
  ])('refuses %s', async (_case, file, problem) => {
    await expect(parseFixture(file)).rejects.toThrow(ReportError);
    await expect(parseFixture(file)).rejects.toThrow(problem);
  });

  it.each([
    [
      'a report of another version',
      '{"auditReportVersion": 3, "vulnerabilities": {}}',
      /auditReportVersion is 3/,
    ],
    [
      'a version 2 report without vulnerabilities',
      '{"auditReportVersion": 2}',
      /without a "vulnerabilities" object/,
    ],
    ['a JSON array', '[]', /expected an object/],
    [
      'the human output of npm audit',
      '# npm audit report\n\nfound 0 vulnerabilities\n',
      /not valid JSON/,
    ],
  ])('refuses %s', async (_case, text, problem) => {
    await expect(parseNpmAudit(textSource(text, 'x'), CONTEXT)).rejects.toThrow(problem);
  });

  // Each row was accepted before shape checks: the malformed field was skipped or defaulted.
  it.each<[string, unknown, string]>([
    ['metadata not an object', { metadata: [] }, 'metadata must be an object'],
    [
      'metadata.vulnerabilities not an object',
      { metadata: { vulnerabilities: 'many' } },
      'metadata.vulnerabilities must be an object',
    ],
    [
      'an entry that is not an object',
      { vulnerabilities: { lodash: 'high' } },
      'vulnerabilities["lodash"] must be an object',
    ],
    [
      'via not an array',
      { vulnerabilities: { lodash: { severity: 'high', via: 'GHSA-x' } } },
      'vulnerabilities["lodash"].via must be an array',
    ],
    [
      'a severity that is not a string',
      { vulnerabilities: { lodash: { severity: 3, via: [] } } },
      'vulnerabilities["lodash"].severity must be a string',
    ],
    [
      'a via item that is neither a name nor an advisory',
      { vulnerabilities: { lodash: { severity: 'high', via: [7] } } },
      'vulnerabilities["lodash"].via[0] must be a string or an object',
    ],
    [
      'an advisory title that is not a string',
      { vulnerabilities: { lodash: { severity: 'high', via: [{ source: 1, title: ['t'] }] } } },
      'vulnerabilities["lodash"].via[0].title must be a string',
    ],
  ])('refuses a malformed shape: %s', async (_case, fields, problem) => {
    const report = JSON.stringify({
      auditReportVersion: 2,
      vulnerabilities: {},
      ...(fields as object),
    });
    const parsed = parseNpmAudit(textSource(report, 'x'), CONTEXT);
    await expect(parsed).rejects.toThrow(ReportError);
    await expect(parseNpmAudit(textSource(report, 'x'), CONTEXT)).rejects.toThrow(
      `is not \`npm audit --json\` output: ${problem}.`,
    );
  });
});

/**
 * The advisory database and package metadata npm asks its registry for, served on 127.0.0.1 from
 * registry.json: the real npm then builds the audit report (its counting, its JSON) itself.
 */
async function startAdvisoryRegistry(): Promise<{ server: Server; url: string }> {
  const data = JSON.parse(readFileSync(join(FIXTURES, 'registry.json'), 'utf8')) as {
    packages: Record<string, Record<string, Record<string, string>>>;
    advisories: Record<string, unknown[]>;
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      const send = (status: number, value: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(value));
      };
      if (
        request.method === 'POST' &&
        request.url?.startsWith('/-/npm/v1/security/advisories/bulk')
      ) {
        const asked = JSON.parse(body.toString('utf8')) as Record<string, string[]>;
        return send(
          200,
          Object.fromEntries(
            Object.keys(asked)
              .filter((name) => data.advisories[name])
              .map((name) => [name, data.advisories[name]]),
          ),
        );
      }
      const name = decodeURIComponent((request.url ?? '/').slice(1));
      const versions = data.packages[name];
      if (request.method !== 'GET' || !versions) return send(404, { error: 'not found' });
      const port = (server.address() as AddressInfo).port;
      return send(200, {
        name,
        'dist-tags': { latest: Object.keys(versions).at(-1) },
        versions: Object.fromEntries(
          Object.entries(versions).map(([version, dependencies]) => [
            version,
            {
              name,
              version,
              dependencies,
              dist: { tarball: `http://127.0.0.1:${port}/${name}/-/${name}-${version}.tgz` },
            },
          ]),
        ),
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

describe('real npm audit against a local advisory registry', () => {
  let registry: { server: Server; url: string };
  let project: string;

  beforeAll(async () => {
    registry = await startAdvisoryRegistry();
    project = mkdtempSync(join(tmpdir(), 'qg-npm-audit-'));
    cpSync(join(FIXTURES, 'project'), project, { recursive: true });
  });
  afterAll(async () => {
    await new Promise((resolve) => registry.server.close(resolve));
    rmSync(project, { recursive: true, force: true });
  });

  /** Asynchronous, so that the registry in this process can answer while npm runs. */
  function npmAudit(args: string[]): Promise<{ status: number | null; stdout: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        'npm',
        [
          'audit',
          '--registry',
          registry.url,
          '--cache',
          join(project, '.npm-cache'),
          '--no-update-notifier',
          ...args,
        ],
        {
          cwd: project,
          stdio: ['ignore', 'pipe', 'ignore'],
          timeout: 120_000,
        },
      );
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout }));
    });
  }

  it('our counts equal the "N vulnerabilities (...)" line npm prints', async () => {
    const json = await npmAudit(['--json']);
    expect(json.status).toBe(1);
    const { audit } = await parseNpmAudit(textSource(json.stdout, 'npm audit --json'), CONTEXT);

    const human = await npmAudit([]);
    const summary = /(\d+) vulnerabilit(?:y|ies) \(([^)]*)\)/.exec(human.stdout);
    expect(summary).not.toBeNull();
    const printed: AuditResults['counts'] = { ...NONE };
    for (const part of summary![2].split(', ')) {
      const [count, severity] = part.split(' ');
      printed[severity as keyof AuditResults['counts']] = Number(count);
    }
    expect(printed).toEqual({ ...NONE, high: 1, critical: 2 });
    expect(audit?.counts).toEqual(printed);
    expect(audit?.vulnerabilities.map((vulnerability) => vulnerability.id).sort()).toEqual([
      'GHSA-29mw-wpgm-hmr9',
      'GHSA-35jh-r3h4-6jhm',
      'GHSA-xvch-5gv4-984h',
    ]);
  });
});
