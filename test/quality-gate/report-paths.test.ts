import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ParsedReport } from '../../src/quality-gate/model.js';
import { anchorBesideReport } from '../../src/quality-gate/report-paths.js';

describe('anchorBesideReport', () => {
  let workspace: string;
  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'report-paths-'));
    const files = ['rust/src/lib.rs', 'README.md', 'py/tests/test_calc.py', 'tests/test_calc.py'];
    for (const file of files) {
      await mkdir(dirname(join(workspace, file)), { recursive: true });
      await writeFile(join(workspace, file), '');
    }
  });

  const report = (files: string[]): ParsedReport => ({
    findings: files.map((file) => ({ source: 'demo', severity: 'warning', message: 'm', file })),
  });
  const files = (parsed: ParsedReport) => parsed.findings.map((finding) => finding.file);

  it('finds a path beside the report when the workspace has no such file', () => {
    const anchored = anchorBesideReport(
      report(['src/lib.rs', 'README.md', 'src/gone.rs', '../outside.rs', '/abs/lib.rs']),
      join(workspace, 'rust/target/clippy.json'),
      workspace,
    );
    expect(files(anchored)).toEqual([
      'rust/src/lib.rs',
      'README.md',
      'src/gone.rs',
      '../outside.rs',
      '/abs/lib.rs',
    ]);
  });

  it('moves failing tests too, and leaves a report at the workspace root alone', () => {
    const tests: ParsedReport = {
      findings: [],
      tests: {
        totals: { total: 1, passed: 0, failed: 1, skipped: 0, flaky: 0 },
        notable: [{ suite: 's', name: 't', outcome: 'failed', file: 'tests/test_calc.py' }],
        slowest: [],
      },
    };
    const anchored = anchorBesideReport(tests, join(workspace, 'py/junit.xml'), workspace);
    expect(anchored.tests?.notable[0]?.file).toBe('py/tests/test_calc.py');
    // The root has a tests/test_calc.py too; the report's own folder wins.
    const atRoot = anchorBesideReport(tests, join(workspace, 'junit.xml'), workspace);
    expect(atRoot.tests?.notable[0]?.file).toBe('tests/test_calc.py');
    const ranAtRoot = anchorBesideReport(tests, join(workspace, 'reports/junit.xml'), workspace);
    expect(ranAtRoot.tests?.notable[0]?.file).toBe('tests/test_calc.py');
  });
});
