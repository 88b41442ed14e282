import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../tools/actions.js';
import { runAction } from '../support/runner.js';

const COVERAGE = join(REPO_ROOT, 'actions/coverage');

/** An LCOV section: lines as [line, hits]. */
function lcov(path: string, lines: Array<[number, number]>): string {
  const records = lines.map(([line, hits]) => `DA:${line},${hits}`);
  const hit = lines.filter(([, hits]) => hits > 0).length;
  return [
    'TN:',
    `SF:${path}`,
    ...records,
    `LF:${lines.length}`,
    `LH:${hit}`,
    'end_of_record',
    '',
  ].join('\n');
}

function cobertura(path: string, lines: Array<[number, number]>): string {
  const rows = lines.map(([line, hits]) => `<line number="${line}" hits="${hits}"/>`).join('');
  return `<?xml version="1.0" ?><coverage version="7.2" line-rate="0" branch-rate="0" lines-covered="0" lines-valid="0" branches-covered="0" branches-valid="0" complexity="0" timestamp="1"><sources><source>.</source></sources><packages><package name="p"><classes><class name="a" filename="${path}"><methods/><lines>${rows}</lines></class></classes></package></packages></coverage>`;
}

async function workspaceWith(files: Record<string, string>): Promise<string> {
  const workspace = await mkdtemp(join(tmpdir(), 'coverage-ws-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(workspace, path)), { recursive: true });
    await writeFile(join(workspace, path), content);
  }
  return workspace;
}

function git(workspace: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
    cwd: workspace,
  });
}

function failure(step: { annotations: Array<{ level: string; message: string }> }): string {
  return step.annotations.find((a) => a.level === 'error')?.message ?? '';
}

const source = (lines: number) =>
  Array.from({ length: lines }, (_, i) => `line ${i + 1}`).join('\n') + '\n';

describe('coverage bundle', () => {
  it('reads a report found in the usual place, sets every output and leads the summary with the verdict', async () => {
    const workspace = await workspaceWith({
      'src/a.js': source(4),
      'coverage/lcov.info': lcov('src/a.js', [
        [1, 3],
        [2, 0],
        [3, 1],
        [4, 1],
      ]),
    });
    const run = await runAction(COVERAGE, { workspace, inputs: { 'min-total': '75' } });

    expect(run.main.stderr).toBe('');
    expect(run.main.exitCode).toBe(0);
    expect(run.main.outputs).toMatchObject({
      'lines-covered': '3',
      'lines-total': '4',
      'line-rate': '75.00',
      'branch-rate': '',
      'patch-rate': '',
      passed: 'true',
    });
    expect(JSON.parse(run.main.outputs.result)).toMatchObject({
      schema: 'slipway.coverage/v1',
      passed: true,
      reports: ['lcov: coverage/lcov.info'],
    });
    expect(run.main.summary).toMatch(/^<h3>✅ Coverage 75\.00%: gates passed<\/h3>/);
  });

  it("gates Codecov's headline (partial lines missed) and branch coverage when asked", async () => {
    // Lines 1-4 ran; line 2 has a branch never taken, so Codecov counts 3 of 5 lines.
    const report = [
      'TN:',
      'SF:src/a.js',
      ...['1,1', '2,4', '3,1', '4,1', '5,0'].map((hits) => `DA:${hits}`),
      'BRDA:2,0,0,4',
      'BRDA:2,0,1,0',
      'BRDA:5,1,0,-',
      'BRDA:5,1,1,-',
      'end_of_record',
      '',
    ].join('\n');
    const workspace = await workspaceWith({ 'src/a.js': source(5), 'lcov.info': report });
    const run = await runAction(COVERAGE, {
      workspace,
      inputs: {
        files: 'lcov.info',
        headline: 'codecov',
        'min-total': '70',
        'min-branches': '20',
        'badge-path': 'badges/coverage.svg',
      },
    });
    expect(run.main.exitCode).toBe(1);
    // The badge shows the headline, in a folder the action makes.
    expect(await readFile(join(workspace, 'badges/coverage.svg'), 'utf8')).toContain('60%');
    expect(run.main.outputs).toMatchObject({
      'line-rate': '80.00',
      'headline-rate': '60.00',
      'branch-rate': '25.00',
      passed: 'false',
    });
    expect(failure(run.main)).toContain(
      'total coverage (Codecov: partial lines missed) 60.00% (3 of 5 lines) < min-total 70%',
    );
    expect(run.main.summary).toContain('✅ min-branches: branch coverage 25.00% (1 of 4 branches)');
    expect(run.main.summary).toContain(
      'hits ÷ (hits + partials + misses); 1 line ran with a branch never taken',
    );
  });

  it('merges an LCOV and a Cobertura report of the same file line by line', async () => {
    const workspace = await workspaceWith({
      'src/a.py': source(4),
      'unit.info': lcov('src/a.py', [
        [1, 1],
        [2, 0],
        [3, 0],
      ]),
      'integration.xml': cobertura('src/a.py', [
        [2, 1],
        [3, 0],
        [4, 0],
      ]),
    });
    const run = await runAction(COVERAGE, {
      workspace,
      inputs: { files: 'unit.info\nintegration.xml' },
    });
    expect(run.main.outputs).toMatchObject({
      'lines-covered': '2',
      'lines-total': '4',
      'line-rate': '50.00',
    });
  });

  it('fails min-total with a message that names the numbers, and still sets the outputs', async () => {
    const workspace = await workspaceWith({
      'src/a.js': source(3),
      'lcov.info': lcov('src/a.js', [
        [1, 1],
        [2, 0],
        [3, 0],
      ]),
    });
    const run = await runAction(COVERAGE, { workspace, inputs: { 'min-total': '80' } });
    expect(run.main.exitCode).toBe(1);
    expect(run.main.outputs.passed).toBe('false');
    expect(failure(run.main)).toContain(
      'total line coverage 33.33% (1 of 3 lines) < min-total 80%',
    );
  });

  it('measures patch coverage over a real git history and annotates the uncovered changed lines', async () => {
    const workspace = await workspaceWith({ 'src/a.js': source(4) });
    git(workspace, 'init', '-q', '-b', 'main');
    git(workspace, 'add', '.');
    git(workspace, 'commit', '-q', '-m', 'base');
    git(workspace, 'checkout', '-q', '-b', 'feature');
    await writeFile(join(workspace, 'src/a.js'), source(8));
    git(workspace, 'commit', '-q', '-am', 'four new lines');
    await writeFile(
      join(workspace, '../lcov.info'),
      lcov('src/a.js', [
        [1, 1],
        [2, 1],
        [5, 1],
        [6, 0],
        [7, 0],
        [8, 1],
      ]),
    );

    const run = await runAction(COVERAGE, {
      workspace,
      inputs: { files: '../lcov.info', 'min-patch': '90', 'base-ref': 'main' },
    });

    expect(run.main.exitCode).toBe(1);
    expect(run.main.outputs).toMatchObject({
      'patch-covered': '2',
      'patch-total': '4',
      'patch-rate': '50.00',
    });
    expect(failure(run.main)).toContain(
      'patch coverage 50.00% (2 of 4 changed lines) < min-patch 90%',
    );
    expect(run.main.annotations).toContainEqual(
      expect.objectContaining({
        level: 'notice',
        file: 'src/a.js',
        line: 6,
        endLine: 7,
        title: 'Not covered by tests',
      }),
    );
    expect(run.main.summary).toContain('<td><code>src/a.js</code></td><td>6-7</td>');
  });

  it('leaves min-patch out on a push, where there is no base to compare with, and says so', async () => {
    const workspace = await workspaceWith({
      'src/a.js': source(4),
      'lcov.info': lcov('src/a.js', [
        [1, 1],
        [2, 0],
      ]),
    });

    const run = await runAction(COVERAGE, {
      workspace,
      event: { name: 'push', ref: 'refs/heads/main', payload: {} },
      inputs: { files: 'lcov.info', 'min-patch': '90' },
    });

    expect(run.main.exitCode, run.main.stdout).toBe(0);
    expect(run.main.outputs['patch-rate']).toBe('');
    expect(run.main.summary).toContain(
      'min-patch was not applied: this push run has no pull request base',
    );
  });

  it('fails max-drop against a baseline file, naming both rates', async () => {
    const workspace = await workspaceWith({
      'src/a.js': source(4),
      'lcov.info': lcov('src/a.js', [
        [1, 1],
        [2, 1],
        [3, 1],
        [4, 0],
      ]),
    });
    const first = await runAction(COVERAGE, { workspace });
    await writeFile(join(workspace, 'baseline.json'), first.main.outputs.result);
    await writeFile(
      join(workspace, 'lcov.info'),
      lcov('src/a.js', [
        [1, 1],
        [2, 0],
        [3, 1],
        [4, 0],
      ]),
    );

    const run = await runAction(COVERAGE, {
      workspace,
      inputs: { 'baseline-file': 'baseline.json', 'max-drop': '1' },
    });
    expect(run.main.exitCode).toBe(1);
    expect(failure(run.main)).toContain(
      'line coverage dropped 25.00 points against the baseline (75.00% → 50.00%) exceeds max-drop 1',
    );
  });

  it('maps container paths with path-fixes and reports files outside the repository', async () => {
    const workspace = await workspaceWith({
      'src/a.js': source(2),
      'lcov.info':
        lcov('/app/src/a.js', [
          [1, 1],
          [2, 1],
        ]) + lcov('/usr/lib/node/internal.js', [[1, 0]]),
    });
    const run = await runAction(COVERAGE, { workspace, inputs: { 'path-fixes': '/app=.' } });
    expect(run.main.outputs).toMatchObject({ 'lines-covered': '2', 'lines-total': '2' });
    expect(run.main.summary).toContain(
      '1 file(s) lie outside the repository and are left out of every total: /usr/lib/node/internal.js',
    );
  });

  it.each([
    {
      name: 'no report anywhere',
      files: {},
      inputs: {},
      message: 'No coverage report was found in the usual places',
    },
    {
      name: 'a glob that matches nothing',
      files: {},
      inputs: { files: 'build/**/lcov.info' },
      message: 'No coverage report matched files: build/**/lcov.info',
    },
    {
      name: 'garbage named in files',
      files: { 'coverage.out': '\u0000\u0001binary garbage' },
      inputs: { files: 'coverage.out' },
      message: 'Could not tell the coverage format of coverage.out',
    },
    {
      name: 'only garbage where the search looks',
      files: { 'coverage.out': '\u0000\u0001binary garbage' },
      inputs: {},
      message: 'coverage.out (not a coverage report we read)',
    },
    {
      name: 'truncated XML',
      files: { 'coverage.xml': cobertura('a.py', [[1, 1]]).slice(0, 300) },
      inputs: {},
      message: 'is truncated or not well-formed',
    },
    {
      name: 'entity expansion',
      files: {
        'coverage.xml':
          '<?xml version="1.0"?><!DOCTYPE coverage [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><coverage>&b;</coverage>',
      },
      inputs: { format: 'cobertura' },
      message: 'DTDs are not accepted',
    },
    {
      name: 'a bad gate',
      files: {},
      inputs: { 'min-total': 'high' },
      message: "Input 'min-total' must be a number, got 'high'.",
    },
  ])('$name is a clear error, not a crash', async ({ files, inputs, message }) => {
    const run = await runAction(COVERAGE, {
      workspace: await workspaceWith(files as Record<string, string>),
      inputs: inputs as Record<string, string>,
    });
    expect(run.main.exitCode).toBe(1);
    expect(run.main.stderr).toBe('');
    expect(failure(run.main)).toMatch(/^coverage failed: /);
    expect(failure(run.main)).toContain(message);
    expect(run.main.outputs.passed, 'passed is set even when the step fails early').toBe('false');
  });
});
