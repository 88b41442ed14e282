import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../../tools/actions.js';

export const QUALITY_GATE = join(REPO_ROOT, 'actions/quality-gate');
export const FIXTURES = join(REPO_ROOT, 'test/fixtures/quality-gate');

/** A fresh workspace holding the given files, and optionally copies of fixture projects. */
export async function makeWorkspace(
  files: Record<string, string> = {},
  projects: string[] = [],
): Promise<string> {
  const workspace = await mkdtemp(join(tmpdir(), 'quality-gate-ws-'));
  for (const project of projects)
    await cp(join(FIXTURES, 'projects', project), join(workspace, project), { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(workspace, path)), { recursive: true });
    await writeFile(join(workspace, path), content);
  }
  return workspace;
}

export function checkstyle(
  findings: Array<{ file: string; line: number; severity: string; rule?: string }>,
): string {
  const byFile = new Map<string, string[]>();
  for (const { file, line, severity, rule } of findings) {
    const row = `<error line="${line}" column="1" severity="${severity}" message="problem at ${line}" source="${rule ?? 'demo.rule'}"/>`;
    byFile.set(file, [...(byFile.get(file) ?? []), row]);
  }
  const files = [...byFile]
    .map(([file, rows]) => `<file name="${file}">${rows.join('')}</file>`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><checkstyle version="4.3">${files}</checkstyle>`;
}

export function junit(cases: Array<{ name: string; failure?: string; skipped?: boolean }>): string {
  const body = cases
    .map(({ name, failure, skipped }) => {
      const inner = failure
        ? `<failure message="${failure}">${failure}</failure>`
        : skipped
          ? '<skipped/>'
          : '';
      return `<testcase classname="demo" name="${name}" time="0.01">${inner}</testcase>`;
    })
    .join('');
  return `<?xml version="1.0"?><testsuites><testsuite name="demo" tests="${cases.length}">${body}</testsuite></testsuites>`;
}
