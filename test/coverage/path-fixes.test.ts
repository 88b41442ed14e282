import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPathFixes, reviewPaths } from '../../src/coverage/path-fixes.js';
import { file, report } from './build.js';

describe('path fixes', () => {
  const workspace = mkdtempSync(join(tmpdir(), 'cov-ws-'));
  mkdirSync(join(workspace, 'src'));
  writeFileSync(join(workspace, 'src/a.ts'), '');

  it('maps container paths onto the repository, longest prefix first', () => {
    const reports = [
      report([
        file('/app/src/a.ts', [[1, 1]]),
        file('/app/vendor/lib/x.ts', [[1, 0]]),
        file('/usr/include/stdio.h', [[1, 1]]),
      ]),
    ];
    const fixed = applyPathFixes(
      reports,
      [
        { from: '/app', to: '.' },
        { from: '/app/vendor/lib', to: 'third_party/lib' },
      ],
      workspace,
    );
    expect(fixed[0].files.map((f) => f.path)).toEqual([
      'src/a.ts',
      'third_party/lib/x.ts',
      '/usr/include/stdio.h',
    ]);
    expect(
      reviewPaths(
        ['src/a.ts', 'third_party/lib/x.ts', '/usr/include/stdio.h', '../other/b.ts'],
        workspace,
      ),
    ).toEqual({
      outside: ['/usr/include/stdio.h', '../other/b.ts'],
      missing: ['third_party/lib/x.ts'],
    });
  });

  it('does not treat /application as inside /app', () => {
    const fixed = applyPathFixes(
      [report([file('/application/a.ts', [[1, 1]])])],
      [{ from: '/app', to: '.' }],
      workspace,
    );
    expect(fixed[0].files[0].path).toBe('/application/a.ts');
  });
});
