import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../tools/actions.js';

const run = promisify(execFile);

/**
 * A scratch checkout with its own package.json and action folders, sharing the repository's
 * node_modules and src/core, so the bundling tools can be run on deliberately broken actions.
 */
async function scratchRoot(packageJson: object): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'slipway-root-'));
  await writeFile(join(root, 'package.json'), JSON.stringify(packageJson));
  await cp(join(REPO_ROOT, 'tsconfig.json'), join(root, 'tsconfig.json'));
  await symlink(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
  await symlink(join(REPO_ROOT, 'src'), join(root, 'src'));
  await mkdir(join(root, 'test/fixtures/actions'), { recursive: true });
  return root;
}

async function tool(name: 'bundle' | 'check-dist', root: string, env = process.env) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [join(REPO_ROOT, 'tools', `${name}.js`), '--root', root],
      { env },
    );
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, output: failure.stdout + failure.stderr };
  }
}

// Each check rebuilds the fixture with ncc, which is CPU-bound: on two cores shared with the
// fault-matrix tests one call can take a minute.
const BUNDLING = { timeout: 240_000 };

describe('check-dist on the ESM fixture action', BUNDLING, () => {
  let root: string;
  const echo = () => join(root, 'test/fixtures/actions/echo');

  beforeAll(async () => {
    root = await scratchRoot({ name: 'scratch', type: 'module' });
    const source = join(REPO_ROOT, 'test/fixtures/actions/echo');
    await cp(source, echo(), { recursive: true, filter: (path) => !path.includes('/dist') });
    expect((await tool('bundle', root)).code).toBe(0);
  }, BUNDLING.timeout);

  afterAll(() => rm(root, { recursive: true, force: true }));

  it('passes when dist is current and every bundle loads', async () => {
    const result = await tool('check-dist', root);
    expect(result.output).toContain('check-dist: 1 action(s) current; every bundle loads');
    expect(result.code).toBe(0);
  });

  it('fails when a committed bundle differs from a fresh build', async () => {
    const bundle = join(echo(), 'dist/index.js');
    const original = await readFile(bundle, 'utf8');
    await writeFile(bundle, original.replace('is required but was not set', 'is needed'));
    try {
      const result = await tool('check-dist', root);
      expect(result.code).toBe(1);
      expect(result.output).toContain(
        'test/fixtures/actions/echo/dist: index.js differs from a fresh build',
      );
    } finally {
      await writeFile(bundle, original);
    }
  });

  it('builds minified bundles that name the source map written beside them', async () => {
    for (const [bundle, entry] of [
      ['index.js', 'echo/src/entry-main.ts'],
      ['post/index.js', 'echo/src/entry-post.ts'],
    ]) {
      const text = await readFile(join(echo(), 'dist', bundle), 'utf8');
      expect(text.trimEnd().endsWith('//# sourceMappingURL=index.js.map')).toBe(true);
      // Minified: far fewer lines than the sources and their dependencies.
      expect(text.split('\n').length).toBeLessThan(50);
      const map = JSON.parse(await readFile(join(echo(), 'dist', `${bundle}.map`), 'utf8'));
      expect(map.sources.some((path: string) => path.endsWith(entry))).toBe(true);
    }
  });

  it('fails when a source map is missing or belongs to no bundle', async () => {
    const map = join(echo(), 'dist', 'index.js.map');
    const original = await readFile(map);
    await rm(map);
    await writeFile(join(echo(), 'dist', 'post/stray.js.map'), '{}');
    try {
      const result = await tool('check-dist', root);
      expect(result.code).toBe(1);
      expect(result.output).toContain('dist: index.js.map is not committed');
      expect(result.output).toMatch(/dist\/index\.js\.map \(named by index\.js\) cannot be read/);
      expect(result.output).toContain("dist/post/stray.js.map is no .js file's source map");
    } finally {
      await writeFile(map, original);
      await rm(join(echo(), 'dist', 'post/stray.js.map'));
    }
  });

  it('fails when a bundle is missing and when a bundle crashes while loading', async () => {
    const post = join(echo(), 'dist/post/index.js');
    const original = await readFile(post, 'utf8');
    await writeFile(post, `throw new Error('broken at load');\n`);
    try {
      const result = await tool('check-dist', root);
      expect(result.code).toBe(1);
      expect(result.output).toContain('post/index.js differs from a fresh build');
      expect(result.output).toMatch(
        /dist\/post\/index\.js: expected post to exit 0 quietly, got exit 1, stderr: Error: broken at load/,
      );
    } finally {
      await writeFile(post, original);
    }
    await rm(post);
    const missing = await tool('check-dist', root);
    expect(missing.output).toContain('post/index.js is not committed');
    expect(missing.code).toBe(1);
  });
});

// One bundle and two check-dist runs: three ncc builds in one test.
describe(
  'check-dist on an action that imports code lazily',
  { timeout: 3 * BUNDLING.timeout },
  () => {
    it('loads every chunk file and fails when one cannot load', async () => {
      const root = await scratchRoot({ name: 'scratch-chunks', type: 'module' });
      // ncc keeps a build cache per working directory under $XDG_CACHE_HOME/ncc. One left by a
      // build of an earlier commit once made a CI machine's chunks come out without source maps,
      // so the tools build without it: a bundle must depend on its sources only.
      const cache = await mkdtemp(join(tmpdir(), 'slipway-ncc-cache-'));
      const env = { ...process.env, XDG_CACHE_HOME: cache };
      const action = join(root, 'test/fixtures/actions/lazy');
      await mkdir(join(action, 'src'), { recursive: true });
      await writeFile(
        join(action, 'action.yml'),
        'name: lazy\ndescription: lazy import\nruns:\n  using: node24\n  main: dist/index.js\n',
      );
      await cp(
        join(REPO_ROOT, 'test/fixtures/actions/echo/tsconfig.json'),
        join(action, 'tsconfig.json'),
      );
      await writeFile(
        join(action, 'src/entry-main.ts'),
        "import * as core from '@actions/core';\n" +
          "if (!process.env.INPUT_NAME) core.setFailed('Input required and not supplied: name');\n" +
          "else core.info((await import('./later.js')).greet(process.env.INPUT_NAME));\n",
      );
      await writeFile(
        join(action, 'src/later.ts'),
        'export function greet(name: string): string {\n  return `hello ${name}`;\n}\n',
      );
      try {
        expect((await tool('bundle', root, env)).code).toBe(0);
        const chunks = (await readdir(join(action, 'dist'))).filter(
          (file) => file.endsWith('.js') && file !== 'index.js',
        );
        expect(chunks).toHaveLength(1);
        const passing = await tool('check-dist', root, env);
        expect(passing.output).toContain('check-dist: 1 action(s) current; every bundle loads');
        expect(passing.code).toBe(0);
        expect(await readdir(cache)).toEqual([]);

        const chunk = join(action, 'dist', chunks[0] as string);
        const text = await readFile(chunk, 'utf8');
        await writeFile(chunk, text.replace('export', 'expert'));
        const failing = await tool('check-dist', root);
        expect(failing.code).toBe(1);
        expect(failing.output).toContain(`${chunks[0]}: chunk does not load: exit 1`);
      } finally {
        await rm(root, { recursive: true, force: true });
        await rm(cache, { recursive: true, force: true });
      }
    });
  },
);

describe('check-dist on a CommonJS build of an ESM-only dependency', BUNDLING, () => {
  it('fails although ncc built the bundle without complaint', async () => {
    // The trap from the research: without "type": "module", ncc emits a CommonJS bundle in
    // which ESM-only @actions/core is a stub that throws "Cannot find module" at run time.
    const root = await scratchRoot({ name: 'scratch-cjs' });
    const action = join(root, 'test/fixtures/actions/cjs');
    await mkdir(join(action, 'src'), { recursive: true });
    await writeFile(
      join(action, 'action.yml'),
      'name: cjs\ndescription: CommonJS build\nruns:\n  using: node24\n  main: dist/index.js\n',
    );
    await writeFile(
      join(action, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'commonjs',
          moduleResolution: 'node10',
          strict: true,
          skipLibCheck: true,
          esModuleInterop: true,
        },
      }),
    );
    await writeFile(
      join(action, 'src/entry-main.ts'),
      "import * as core from '@actions/core';\ncore.setFailed('Input required');\n",
    );
    try {
      expect((await tool('bundle', root)).code).toBe(0);
      const result = await tool('check-dist', root);
      expect(result.code).toBe(1);
      expect(result.output).toMatch(
        /dist\/index\.js: expected a clean input error .*, got exit 1, stderr: Error: Cannot find module '@actions\/core'/,
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
