import { describe, expect, it } from 'vitest';
import { sourceLinker } from '../../src/core/source-links.js';

const link = sourceLinker({
  serverUrl: 'https://github.com',
  repository: { owner: 'octo-org', repo: 'octo-service' },
  sha: '0123456789abcdef0123456789abcdef01234567',
});
const BASE =
  'https://github.com/octo-org/octo-service/blob/0123456789abcdef0123456789abcdef01234567';

describe('sourceLinker', () => {
  it.each([
    ['src/lib.rs', 12, `${BASE}/src/lib.rs#L12`],
    ['src/lib.rs', undefined, `${BASE}/src/lib.rs`],
    ['docs/a b#c.md', 3, `${BASE}/docs/a%20b%23c.md#L3`],
    ['/home/runner/work/x.rs', 1, undefined],
    ['../outside.rs', 1, undefined],
    ['C:/src/x.cs', 1, undefined],
    ['', 1, undefined],
  ])('%s:%s → %s', (file, line, expected) => expect(link(file, line)).toBe(expected));
});
