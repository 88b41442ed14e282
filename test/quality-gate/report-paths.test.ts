import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ParseContext } from '../../src/quality-gate/model.js';
import { reportPath } from '../../src/quality-gate/report-paths.js';

describe('reportPath', () => {
  let workspace: string;
  beforeAll(async () => {
    workspace = await mkdtemp(join(tmpdir(), 'report-paths-'));
    const files = [
      'rust/src/lib.rs',
      'README.md',
      'py/tests/test_calc.py',
      'tests/test_calc.py',
      'web/src/a.js',
      'src/a.js',
    ];
    for (const file of files) {
      await mkdir(dirname(join(workspace, file)), { recursive: true });
      await writeFile(join(workspace, file), '');
    }
  });

  const beside = (report: string): ParseContext => ({
    workspace,
    origin: report,
    reportFile: join(workspace, report),
  });

  it.each([
    [
      'a relative path found beside the report',
      'rust/target/clippy.json',
      'src/lib.rs',
      'rust/src/lib.rs',
    ],
    ['a path only the root has', 'rust/clippy.json', 'README.md', 'README.md'],
    ['a path nobody has, kept as written', 'rust/clippy.json', 'src/gone.rs', 'src/gone.rs'],
    [
      'beside the report even when the root has the same path',
      'py/junit.xml',
      'tests/test_calc.py',
      'py/tests/test_calc.py',
    ],
    ['a report at the root', 'junit.xml', 'tests/test_calc.py', 'tests/test_calc.py'],
    [
      'a tool that ran at the root and wrote into a folder',
      'reports/junit.xml',
      'tests/test_calc.py',
      'tests/test_calc.py',
    ],
    ['a path climbing out of the workspace', 'rust/clippy.json', '../outside.rs', '../outside.rs'],
  ])('%s', (_, report, path, expected) => {
    expect(reportPath(path, beside(report))).toBe(expected);
  });

  it('leaves absolute paths naming their file where they are, whatever is beside the report', () => {
    // eslint writes absolute paths: web/eslint.json naming <workspace>/src/a.js means src/a.js.
    expect(reportPath(join(workspace, 'src/a.js'), beside('web/eslint.json'))).toBe('src/a.js');
    expect(reportPath(`file://${join(workspace, 'src/a.js')}`, beside('web/eslint.json'))).toBe(
      'src/a.js',
    );
  });

  it('takes relative paths from the working directory when one was given', () => {
    const context = { workspace, origin: 'x', directory: join(workspace, 'web') };
    expect(reportPath('src/a.js', context)).toBe('web/src/a.js');
  });
});
