import { describe, expect, it } from 'vitest';
import { fileUriToPath, toRepositoryPath } from '../../../src/core/reports/paths.js';

describe('toRepositoryPath', () => {
  it.each([
    [
      'absolute path inside the workspace',
      '/home/runner/work/app/app/src/lib.rs',
      '/home/runner/work/app/app',
      'src/lib.rs',
    ],
    ['workspace given with a trailing slash', '/ws/src/lib.rs', '/ws/', 'src/lib.rs'],
    ['relative path stays relative', 'src/lib.rs', '/ws', 'src/lib.rs'],
    ['leading ./ is dropped', './src/lib.rs', '/ws', 'src/lib.rs'],
    ['dot segments are collapsed', '/ws/src/../tests/a.rs', '/ws', 'tests/a.rs'],
    [
      'path outside the workspace is kept',
      '/usr/lib/rustlib/src/core.rs',
      '/ws',
      '/usr/lib/rustlib/src/core.rs',
    ],
    ['sibling directory sharing a prefix is outside', '/ws-other/a.rs', '/ws', '/ws-other/a.rs'],
    ['relative path climbing out is kept', '../other/a.rs', '/ws', '../other/a.rs'],
    ['file URI inside the workspace', 'file:///ws/src/app.js', '/ws', 'src/app.js'],
    [
      'file URI with escaped characters',
      'file:///ws/src/my%20file%23.js',
      '/ws',
      'src/my file#.js',
    ],
    ['file URI with localhost', 'file://localhost/ws/a.js', '/ws', 'a.js'],
    [
      'Windows path with backslashes',
      'D:\\a\\app\\app\\src\\main.rs',
      'D:\\a\\app\\app',
      'src/main.rs',
    ],
    [
      'Windows drive letter in another case',
      'd:\\a\\app\\app\\src\\main.rs',
      'D:\\a\\app\\app',
      'src/main.rs',
    ],
    ['Windows file URI', 'file:///D:/a/app/app/src/index.ts', 'D:\\a\\app\\app', 'src/index.ts'],
    ['relative Windows path', 'src\\main.rs', 'D:\\a\\app\\app', 'src/main.rs'],
  ])('%s', (_case, path, workspace, expected) => {
    expect(toRepositoryPath(path, workspace)).toBe(expected);
  });
});

describe('fileUriToPath', () => {
  it.each([
    ['POSIX file URI', 'file:///home/me/a.rs', '/home/me/a.rs'],
    ['Windows drive', 'file:///C:/work/a.rs', 'C:/work/a.rs'],
    ['UNC host', 'file://server/share/a.rs', '//server/share/a.rs'],
    ['malformed URI is returned as it is', 'file://bad host/a.rs', 'file://bad host/a.rs'],
  ])('%s', (_case, uri, expected) => {
    expect(fileUriToPath(uri)).toBe(expected);
  });
});
