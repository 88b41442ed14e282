import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CredentialStore,
  credentialFilePaths,
  type StoredCredentials,
} from '../../../src/image/registry/credential-store.js';
import { forgetSecretsForTesting, maskSecrets } from '../../../src/core/secrets.js';
import { captureStdout } from '../../support/capture-stdout.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

/**
 * A fake docker-credential-helper: answers `get` from a JSON table (server -> answer) next to it,
 * records each call, and says "credentials not found" (exit 1) for servers it does not know, as
 * docker-credential-helpers do. Written in Node so the test needs no shell.
 */
const HELPER = `#!/usr/bin/env node
const fs = require('node:fs');
const path = require('node:path');
const table = JSON.parse(fs.readFileSync(path.join(__dirname, 'answers.json'), 'utf8'));
let input = '';
process.stdin.on('data', (c) => (input += c));
process.stdin.on('end', () => {
  const server = input.trim();
  fs.appendFileSync(path.join(__dirname, 'calls.log'), path.basename(process.argv[1]) + ' ' + process.argv[2] + ' ' + server + '\\n');
  const answer = table[server];
  if (answer === undefined) { process.stdout.write('credentials not found in native keychain\\n'); process.exit(1); }
  if (answer === 'broken') { process.stderr.write('the keyring is locked\\n'); process.exit(3); }
  if (answer === 'garbage') { process.stdout.write('not json'); process.exit(0); }
  process.stdout.write(JSON.stringify({ ServerURL: server, ...answer }));
});
`;

interface Layout {
  /** docker's config.json (DOCKER_CONFIG/config.json). */
  docker?: unknown;
  /** REGISTRY_AUTH_FILE. */
  authFile?: unknown;
  /** ${XDG_CONFIG_HOME}/containers/auth.json. */
  configAuth?: unknown;
  /** Answers of docker-credential-fake, by server address. */
  helper?: Record<string, unknown>;
  inputs?: { registry: string; username: string; password: string };
}

let root: string;
let bin: string;
let counter = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'credential-store-'));
  bin = join(root, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'docker-credential-fake'), HELPER);
  await chmod(join(bin, 'docker-credential-fake'), 0o755);
});
afterAll(() => rm(root, { recursive: true, force: true }));
afterEach(() => forgetSecretsForTesting());

async function writeJson(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, typeof value === 'string' ? value : JSON.stringify(value));
}

/** A fresh home with the files of `layout`, and a store over it. */
async function storeFor(layout: Layout) {
  const dir = join(root, `case-${++counter}`);
  const env: NodeJS.ProcessEnv = {
    PATH: `${bin}:${process.env.PATH}`,
    DOCKER_CONFIG: join(dir, 'docker'),
    REGISTRY_AUTH_FILE: join(dir, 'run', 'auth.json'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_RUNTIME_DIR: join(dir, 'xdg-run'),
  };
  await mkdir(dir, { recursive: true });
  if (layout.docker !== undefined)
    await writeJson(join(dir, 'docker', 'config.json'), layout.docker);
  if (layout.authFile !== undefined) await writeJson(env.REGISTRY_AUTH_FILE!, layout.authFile);
  if (layout.configAuth !== undefined) {
    await writeJson(join(dir, 'config', 'containers', 'auth.json'), layout.configAuth);
  }
  await writeJson(join(bin, 'answers.json'), layout.helper ?? {});
  await rm(join(bin, 'calls.log'), { force: true });
  const warnings: string[] = [];
  const debug: string[] = [];
  const store = CredentialStore.load({
    env,
    homeDir: join(dir, 'home'),
    inputs: layout.inputs,
    warn: (message) => warnings.push(message),
    debug: (message) => debug.push(message),
    helperTimeoutMs: 10_000,
  });
  return { store, warnings, debug, dir, env };
}

async function helperCalls(): Promise<string[]> {
  try {
    return (await readFile(join(bin, 'calls.log'), 'utf8')).trim().split('\n');
  } catch {
    return [];
  }
}

const ci = { username: 'ci', password: 'pa55word-ci' };
const other = { username: 'other', password: 'pa55word-other' };

describe('credential lookup', () => {
  it.each<{
    name: string;
    layout: Layout;
    registry: string;
    repository?: string;
    expected: Partial<StoredCredentials> | undefined;
    calls?: string[];
  }>([
    {
      name: 'docker config, auth as docker/login-action writes it',
      layout: { docker: { auths: { '127.0.0.1:5000': { auth: b64('ci:pa55word-ci') } } } },
      registry: '127.0.0.1:5000',
      expected: { ...ci, key: '127.0.0.1:5000' },
    },
    {
      name: 'docker config, username and password fields',
      layout: { docker: { auths: { 'ghcr.io': { username: 'ci', password: 'pa55word-ci' } } } },
      registry: 'ghcr.io',
      expected: ci,
    },
    {
      name: 'a password with a colon',
      layout: { docker: { auths: { 'ghcr.io': { auth: b64('ci:pa:55:word') } } } },
      registry: 'ghcr.io',
      expected: { username: 'ci', password: 'pa:55:word' },
    },
    {
      name: 'docker config, identity token',
      layout: {
        docker: { auths: { 'ghcr.io': { auth: b64('ci:'), identitytoken: 'refresh-token-1' } } },
      },
      registry: 'ghcr.io',
      expected: { username: 'ci', password: 'refresh-token-1', identityToken: true },
    },
    {
      name: "docker's Docker Hub key, looked up by the API host",
      layout: {
        docker: { auths: { 'https://index.docker.io/v1/': { auth: b64('ci:pa55word-ci') } } },
      },
      registry: 'registry-1.docker.io',
      repository: 'library/nginx',
      expected: { ...ci, key: 'docker.io' },
    },
    {
      name: "podman's Docker Hub key, looked up as index.docker.io",
      layout: { authFile: { auths: { 'docker.io': { auth: b64('ci:pa55word-ci') } } } },
      registry: 'index.docker.io',
      expected: ci,
    },
    {
      name: 'a URL key names its host',
      layout: { docker: { auths: { 'https://ghcr.io': { auth: b64('ci:pa55word-ci') } } } },
      registry: 'ghcr.io',
      expected: ci,
    },
    {
      name: 'the most specific repository key wins',
      layout: {
        authFile: {
          auths: {
            'quay.io': { auth: b64('other:pa55word-other') },
            'quay.io/team': { auth: b64('team:pa55word-team') },
            'quay.io/team/app': { auth: b64('ci:pa55word-ci') },
          },
        },
      },
      registry: 'quay.io',
      repository: 'team/app',
      expected: { ...ci, key: 'quay.io/team/app' },
    },
    {
      name: 'a repository key does not match a sibling repository',
      layout: {
        authFile: {
          auths: {
            'quay.io': { auth: b64('other:pa55word-other') },
            'quay.io/team/app': { auth: b64('ci:pa55word-ci') },
          },
        },
      },
      registry: 'quay.io',
      repository: 'team/application',
      expected: { ...other, key: 'quay.io' },
    },
    {
      name: 'a repository key is not used for the registry as a whole',
      layout: { authFile: { auths: { 'quay.io/team/app': { auth: b64('ci:pa55word-ci') } } } },
      registry: 'quay.io',
      expected: undefined,
    },
    {
      name: 'REGISTRY_AUTH_FILE before docker config',
      layout: {
        authFile: { auths: { 'ghcr.io': { auth: b64('ci:pa55word-ci') } } },
        docker: { auths: { 'ghcr.io': { auth: b64('other:pa55word-other') } } },
      },
      registry: 'ghcr.io',
      expected: ci,
    },
    {
      name: '~/.config/containers/auth.json before docker config',
      layout: {
        configAuth: { auths: { 'ghcr.io': { auth: b64('ci:pa55word-ci') } } },
        docker: { auths: { 'ghcr.io': { auth: b64('other:pa55word-other') } } },
      },
      registry: 'ghcr.io',
      expected: ci,
    },
    {
      name: 'a more specific key in a later file does not beat an earlier file',
      layout: {
        authFile: { auths: { 'quay.io': { auth: b64('ci:pa55word-ci') } } },
        docker: { auths: { 'quay.io/team/app': { auth: b64('other:pa55word-other') } } },
      },
      registry: 'quay.io',
      repository: 'team/app',
      expected: ci,
    },
    {
      name: 'the inputs before every file',
      layout: {
        inputs: { registry: 'GHCR.io', username: 'ci', password: 'pa55word-ci' },
        authFile: { auths: { 'ghcr.io': { auth: b64('other:pa55word-other') } } },
        docker: { auths: { 'ghcr.io': { auth: b64('other:pa55word-other') } } },
      },
      registry: 'ghcr.io',
      expected: { ...ci, source: 'the username and password inputs' },
    },
    {
      name: 'the inputs only for their registry',
      layout: {
        inputs: { registry: 'ghcr.io', username: 'ci', password: 'pa55word-ci' },
        docker: { auths: { 'quay.io': { auth: b64('other:pa55word-other') } } },
      },
      registry: 'quay.io',
      expected: other,
    },
    {
      name: 'an empty entry (credentials in a store) is no credentials',
      layout: { docker: { auths: { 'ghcr.io': {} } } },
      registry: 'ghcr.io',
      expected: undefined,
    },
    {
      name: 'credHelpers, asked with the host',
      layout: {
        docker: { credHelpers: { '127.0.0.1:5000': 'fake' } },
        helper: { '127.0.0.1:5000': { Username: 'ci', Secret: 'pa55word-ci' } },
      },
      registry: '127.0.0.1:5000',
      expected: {
        ...ci,
        source: expect.stringMatching(/^docker-credential-fake \(credHelpers in /),
      },
      calls: ['docker-credential-fake get 127.0.0.1:5000'],
    },
    {
      name: 'credHelpers before auths in the same file',
      layout: {
        docker: {
          auths: { 'ghcr.io': { auth: b64('other:pa55word-other') } },
          credHelpers: { 'ghcr.io': 'fake' },
        },
        helper: { 'ghcr.io': { Username: 'ci', Secret: 'pa55word-ci' } },
      },
      registry: 'ghcr.io',
      expected: ci,
    },
    {
      name: 'credHelpers in a containers auth file',
      layout: {
        authFile: { credHelpers: { 'ghcr.io': 'fake' } },
        helper: { 'ghcr.io': { Username: 'ci', Secret: 'pa55word-ci' } },
      },
      registry: 'ghcr.io',
      expected: ci,
    },
    {
      name: "credsStore, asked with docker's Docker Hub address",
      layout: {
        docker: { auths: { 'https://index.docker.io/v1/': {} }, credsStore: 'fake' },
        helper: { 'https://index.docker.io/v1/': { Username: 'ci', Secret: 'pa55word-ci' } },
      },
      registry: 'registry-1.docker.io',
      expected: ci,
      calls: ['docker-credential-fake get https://index.docker.io/v1/'],
    },
    {
      name: 'a helper user <token> is an identity token',
      layout: {
        docker: { credsStore: 'fake' },
        helper: { 'ghcr.io': { Username: '<token>', Secret: 'refresh-token-2' } },
      },
      registry: 'ghcr.io',
      expected: { password: 'refresh-token-2', identityToken: true },
    },
    {
      name: 'a store without the registry falls back to auths',
      layout: {
        docker: { auths: { 'ghcr.io': { auth: b64('ci:pa55word-ci') } }, credsStore: 'fake' },
      },
      registry: 'ghcr.io',
      expected: ci,
      calls: ['docker-credential-fake get ghcr.io'],
    },
  ])('$name', async ({ layout, registry, repository, expected, calls }) => {
    const { store, warnings } = await storeFor(layout);
    const found = await store.lookup(registry, repository);
    if (expected === undefined) expect(found).toBeUndefined();
    else expect(found).toMatchObject(expected);
    expect(warnings).toEqual([]);
    if (calls) expect(await helperCalls()).toEqual(calls);
  });

  it('runs a helper once per registry however often it is asked', async () => {
    const { store } = await storeFor({
      docker: { credHelpers: { 'ghcr.io': 'fake' } },
      helper: { 'ghcr.io': { Username: 'ci', Secret: 'pa55word-ci' } },
    });
    await store.lookup('ghcr.io', 'a/b');
    await store.lookup('ghcr.io', 'c/d');
    expect(await helperCalls()).toHaveLength(1);
  });

  it('finds two registries with different credentials in one config.json', async () => {
    const { store } = await storeFor({
      docker: {
        auths: {
          '127.0.0.1:5001': { auth: b64('ci:pa55word-ci') },
          '127.0.0.1:5002': { auth: b64('other:pa55word-other') },
        },
      },
    });
    expect(await store.lookup('127.0.0.1:5001')).toMatchObject(ci);
    expect(await store.lookup('127.0.0.1:5002')).toMatchObject(other);
    expect(await store.lookup('127.0.0.1:5003')).toBeUndefined();
  });
});

describe('problems are warnings, not crashes', () => {
  it.each<{ name: string; layout: Layout; warning: RegExp }>([
    {
      name: 'a file that is not JSON',
      layout: { docker: '{"auths": {' },
      warning: /^Registry credentials in \S+docker\/config\.json are ignored: it is not valid JSON/,
    },
    {
      name: 'a file that is a JSON array',
      layout: { authFile: '[1, 2]' },
      warning:
        /^Registry credentials in \S+run\/auth\.json are ignored: it holds no JSON object\.$/,
    },
    {
      name: 'an auth value that is not base64 of user:password',
      layout: { docker: { auths: { 'ghcr.io': { auth: b64('no-colon-here') } } } },
      warning:
        /^Some registry credentials in \S+config\.json are ignored: the entry 'ghcr\.io' has an 'auth' value that is not base64 of user:password\. The rest of the file is used\.$/,
    },
    {
      name: 'auths that is not an object',
      layout: { authFile: { auths: 'ghcr.io' } },
      warning: /'auths' is not an object/,
    },
    {
      name: 'a helper name that is not a program name',
      layout: { docker: { credHelpers: { 'ghcr.io': '../../bin/sh' } } },
      warning: /credHelpers 'ghcr\.io' does not name a helper program/,
    },
  ])(
    '$name: one warning naming the file, and the other files still count',
    async ({ layout, warning }) => {
      const { store, warnings } = await storeFor({
        ...layout,
        configAuth: { auths: { 'quay.io': { auth: b64('ci:pa55word-ci') } } },
      });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(warning);
      expect(await store.lookup('quay.io')).toMatchObject(ci);
    },
  );

  it.each<{ name: string; answer: unknown; helper: string; warning: RegExp }>([
    {
      name: 'a failing helper',
      answer: 'broken',
      helper: 'fake',
      warning: /exited with code 3: the keyring is locked/,
    },
    {
      name: 'an answer that is not JSON',
      answer: 'garbage',
      helper: 'fake',
      warning: /its answer is not JSON/,
    },
    {
      name: 'an answer without Secret',
      answer: { Username: 'ci' },
      helper: 'fake',
      warning: /its answer has no Secret/,
    },
    {
      name: 'a helper that is not installed',
      answer: {},
      helper: 'missing',
      warning: /docker-credential-missing.*not found on PATH/,
    },
  ])('$name is a warning and the search goes on', async ({ answer, helper, warning }) => {
    const { store, warnings } = await storeFor({
      docker: {
        credHelpers: { 'ghcr.io': helper },
        auths: { 'ghcr.io': { auth: b64('ci:pa55word-ci') } },
      },
      helper: { 'ghcr.io': answer },
    });
    expect(await store.lookup('ghcr.io')).toMatchObject(ci);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^docker-credential-\S+ \(credHelpers in \S+config\.json\) gave no credentials for ghcr\.io: /,
    );
    expect(warnings[0]).toMatch(warning);
  });

  it('a helper that says "credentials not found" is no warning', async () => {
    const { store, warnings, debug } = await storeFor({ docker: { credsStore: 'fake' } });
    expect(await store.lookup('ghcr.io')).toBeUndefined();
    expect(warnings).toEqual([]);
    expect(debug.join('\n')).toContain('docker-credential-fake (credsStore in');
  });

  it('a missing file is only a debug line', async () => {
    const { store, warnings, debug } = await storeFor({});
    expect(await store.lookup('ghcr.io')).toBeUndefined();
    expect(warnings).toEqual([]);
    expect(debug.some((line) => line.includes('does not exist'))).toBe(true);
  });
});

describe('masking', () => {
  it('masks every password, identity token and auth value as the files are read', async () => {
    const { commands } = await captureStdout(() =>
      storeFor({
        docker: {
          auths: {
            'a.io': { auth: b64('ci:pa55word-docker') },
            'b.io': { username: 'u', password: 'pa55word-fields' },
            'c.io': { identitytoken: 'identity-token-1' },
          },
        },
        authFile: { auths: { 'd.io/x': { auth: b64('ci:pa55word-containers') } } },
        inputs: { registry: 'e.io', username: 'ci', password: 'pa55word-input' },
      }),
    );
    const masks = commands.filter((c) => c.command === 'add-mask').map((c) => c.message);
    for (const secret of [
      'pa55word-docker',
      'pa55word-fields',
      'identity-token-1',
      'pa55word-containers',
      'pa55word-input',
      b64('ci:pa55word-docker'),
      b64('ci:pa55word-input'),
    ]) {
      expect(masks).toContain(secret);
      expect(maskSecrets(`x ${secret} y`)).toBe('x *** y');
    }
  });

  it("masks a helper's secret before it is used", async () => {
    const { store } = await storeFor({
      docker: { credsStore: 'fake' },
      helper: { 'ghcr.io': { Username: 'ci', Secret: 'helper-secret-9' } },
    });
    const { commands } = await captureStdout(() => store.lookup('ghcr.io'));
    expect(commands.map((c) => c.message)).toContain('helper-secret-9');
    expect(maskSecrets('helper-secret-9')).toBe('***');
  });
});

describe('the merged auth file for buildah', () => {
  it('keeps the first containers auth file and writes in what was found', async () => {
    const { store } = await storeFor({
      authFile: {
        auths: {
          'kept.io': { auth: b64('k:kept-password') },
          'https://127.0.0.1:5000': { auth: b64('stale:stale-password') },
        },
        credHelpers: { '127.0.0.1:5000': 'fake', 'other.io': 'fake' },
        somethingElse: true,
      },
      docker: {
        auths: { 'https://index.docker.io/v1/': { auth: b64('hub:hub-password') } },
        credsStore: 'fake',
      },
      helper: { '127.0.0.1:5000': { Username: 'ci', Secret: 'pa55word-ci' } },
    });
    const found = [
      (await store.lookup('127.0.0.1:5000'))!,
      (await store.lookup('registry-1.docker.io'))!,
      {
        username: '',
        password: 'refresh-token-3',
        identityToken: true,
        source: 'x',
        key: 'quay.io/team',
      },
    ];
    expect(JSON.parse(store.mergedAuthFile(found))).toEqual({
      auths: {
        'kept.io': { auth: b64('k:kept-password') },
        '127.0.0.1:5000': { auth: b64('ci:pa55word-ci') },
        'docker.io': { auth: b64('hub:hub-password') },
        'quay.io/team': { identitytoken: 'refresh-token-3' },
      },
      credHelpers: { 'other.io': 'fake' },
      somethingElse: true,
    });
  });

  it('starts from nothing when there is no containers auth file', async () => {
    const { store } = await storeFor({
      docker: { auths: { 'ghcr.io': { auth: b64('ci:pa55word-ci') } } },
    });
    const found = (await store.lookup('ghcr.io'))!;
    expect(JSON.parse(store.mergedAuthFile([found]))).toEqual({
      auths: { 'ghcr.io': { auth: b64('ci:pa55word-ci') } },
    });
  });
});

describe('where credentials are looked for', () => {
  it('follows REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR, XDG_CONFIG_HOME and DOCKER_CONFIG', () => {
    expect(credentialFilePaths({}, '/home/u').map((f) => f.path)).toEqual([
      `/run/containers/${process.getuid?.() ?? 0}/auth.json`,
      '/home/u/.config/containers/auth.json',
      '/home/u/.docker/config.json',
    ]);
    expect(
      credentialFilePaths(
        { XDG_RUNTIME_DIR: '/run/user/1001', XDG_CONFIG_HOME: '/cfg', DOCKER_CONFIG: '/dc' },
        '/home/u',
      ).map((f) => f.path),
    ).toEqual([
      '/run/user/1001/containers/auth.json',
      '/cfg/containers/auth.json',
      '/dc/config.json',
    ]);
    expect(
      credentialFilePaths({ REGISTRY_AUTH_FILE: '/a.json', XDG_RUNTIME_DIR: '/r' }, '/h')[0].path,
    ).toBe('/a.json');
  });
});
