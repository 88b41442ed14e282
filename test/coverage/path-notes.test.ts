import { describe, expect, it } from 'vitest';
import { pathNotes } from '../../src/coverage/path-notes.js';

describe('pathNotes', () => {
  it('says nothing when every path resolved', () => {
    expect(pathNotes({ outside: [], missing: [] }, { ambiguous: [], suggestions: [] })).toEqual([]);
  });

  it('names paths outside the repository with the path-fixes line the repository files suggest', () => {
    expect(
      pathNotes(
        { outside: ['/app/src/a.js', '/usr/lib/node/internal.js'], missing: [] },
        { ambiguous: [], suggestions: [{ from: '/app', to: '.' }] },
      ),
    ).toEqual([
      "2 file(s) lie outside the repository and are left out of every total: /app/src/a.js, /usr/lib/node/internal.js. The repository's files suggest path-fixes: /app=..",
    ]);
  });

  it('falls back to the container example, and cuts long lists', () => {
    const outside = Array.from({ length: 7 }, (_, i) => `/x/${i}.js`);
    const [note] = pathNotes({ outside, missing: [] }, { ambiguous: [], suggestions: [] });
    expect(note).toBe(
      '7 file(s) lie outside the repository and are left out of every total: /x/0.js, /x/1.js, /x/2.js, /x/3.js, /x/4.js and 2 more. Map them with path-fixes, e.g. /app=. if the tests ran in a container.',
    );
  });

  it('counts ambiguous paths apart from missing ones and shows how to pick one', () => {
    const notes = pathNotes(
      { outside: [], missing: ['src/index.js', 'gen/parser.js'] },
      {
        ambiguous: [
          {
            path: 'src/index.js',
            report: 'coverage/lcov.info',
            candidates: ['packages/a/src/index.js', 'packages/b/src/index.js'],
          },
        ],
        suggestions: [],
      },
    );
    expect(notes).toEqual([
      "1 file(s) in the reports were not found in the checkout, neither beside the report nor by name among the repository's files, and count as written: gen/parser.js. If they live elsewhere, map them with path-fixes, e.g. build/src=src.",
      "1 report path(s) matched several repository files equally well and were kept as written: src/index.js (packages/a/src/index.js or packages/b/src/index.js). Say which with path-fixes, e.g. src=packages/a/src, or write each package's report inside the package.",
    ]);
  });
});
