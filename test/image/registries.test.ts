import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Settings } from '../../src/image/inputs.js';
import {
  builderEnvironment,
  findRegistryCredentials,
  prepareBuilder,
  registryClients,
} from '../../src/image/registries.js';
import { forgetSecretsForTesting } from '../../src/core/secrets.js';
import { captureStdout } from '../support/capture-stdout.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

/** The settings these functions read; the rest of Settings does not matter to them. */
function settings(overrides: {
  engine?: 'docker' | 'buildah';
  login?: Settings['login'];
  cacheFrom?: string[];
  task?: Settings['task'];
}): Settings {
  return {
    task: overrides.task ?? 'build',
    push: true,
    login: overrides.login,
    insecureRegistries: [],
    build: {
      engine: overrides.engine ?? 'buildah',
      cacheFrom: overrides.cacheFrom ?? [],
      cacheTo: [],
    },
  } as unknown as Settings;
}

let dir: string;
let env: NodeJS.ProcessEnv;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'registries-'));
  env = {
    DOCKER_CONFIG: join(dir, 'docker'),
    REGISTRY_AUTH_FILE: join(dir, 'auth.json'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    HOME: join(dir, 'home'),
  };
  await mkdir(join(dir, 'docker'));
  vi.stubEnv('RUNNER_TEMP', join(dir, 'runner-temp'));
  await mkdir(join(dir, 'runner-temp'));
});
afterEach(async () => {
  vi.unstubAllEnvs();
  forgetSecretsForTesting();
  await rm(dir, { recursive: true, force: true });
});

async function dockerConfig(content: unknown): Promise<void> {
  await writeFile(join(dir, 'docker', 'config.json'), JSON.stringify(content));
}

/** Runs quietly: core's info, debug and add-mask lines go to stdout. */
async function quietly<T>(action: () => Promise<T>): Promise<T> {
  let result: T | undefined;
  await captureStdout(async () => {
    result = await action();
  });
  return result as T;
}

describe('findRegistryCredentials', () => {
  it('finds credentials for every registry the references, caches and inputs name', async () => {
    await dockerConfig({
      auths: {
        'a.example': { auth: b64('a-user:a-password') },
        'b.example/team/app': { auth: b64('b-user:b-password') },
        'cache.example': { auth: b64('c-user:c-password') },
      },
    });
    const access = await quietly(() =>
      findRegistryCredentials(
        settings({
          cacheFrom: ['type=registry,ref=cache.example/app:buildcache'],
          login: { registry: 'ghcr.io', username: 'me', password: 'input-password' },
        }),
        ['a.example/x:1', 'b.example/team/app:1', 'b.example/other:1', 'not a reference'],
        env,
      ),
    );
    expect(
      Object.fromEntries(
        [...access.credentials].map(([registry, found]) => [registry, found.username]),
      ),
    ).toEqual({
      'a.example': 'a-user',
      // The first repository named on b.example decides which key matches.
      'b.example': 'b-user',
      'cache.example': 'c-user',
      'ghcr.io': 'me',
    });
  });

  it('looks nothing up when the run computes metadata only', async () => {
    await dockerConfig({ auths: { 'a.example': { auth: b64('a-user:a-password') } } });
    const access = await quietly(() =>
      findRegistryCredentials(settings({ task: 'metadata' }), ['a.example/x:1'], env),
    );
    expect(access.credentials.size).toBe(0);
  });

  it('says whose credentials it uses and from where, never the password', async () => {
    await dockerConfig({ auths: { 'a.example': { auth: b64('a-user:a-password') } } });
    const { text } = await captureStdout(() =>
      findRegistryCredentials(settings({}), ['a.example/x:1'], env),
    );
    expect(text).toContain(
      `Registry a.example: using the credentials of 'a-user' from ${join(dir, 'docker', 'config.json')}.`,
    );
    expect(
      text
        .split('\n')
        .filter((line) => !line.startsWith('::add-mask::'))
        .join('\n'),
    ).not.toContain('a-password');
  });
});

describe('registryClients', () => {
  let server: Server;
  let host: string;
  const seen: Array<string | undefined> = [];
  beforeAll(async () => {
    // A registry that asks for Basic auth and records what each manifest request carried.
    server = createServer((request: IncomingMessage, response) => {
      if (request.url === '/v2/') {
        response.writeHead(401, { 'www-authenticate': 'Basic realm="test"' }).end();
        return;
      }
      seen.push(request.headers.authorization);
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('gives each client the credentials found for its registry', async () => {
    await dockerConfig({ auths: { [host]: { auth: b64('ci:config-password') } } });
    const s = settings({});
    const access = await quietly(() => findRegistryCredentials(s, [`${host}/octo/app:1`], env));
    seen.length = 0;
    await registryClients(s, access)(host).headManifest('octo/app', '1');
    expect(seen).toEqual([`Basic ${b64('ci:config-password')}`]);
  });

  it('without found credentials, still uses the inputs for their registry', async () => {
    const s = settings({ login: { registry: host, username: 'me', password: 'input-password' } });
    seen.length = 0;
    await registryClients(s)(host).headManifest('octo/app', '1');
    expect(seen).toEqual([`Basic ${b64('me:input-password')}`]);
  });

  it('leaves an identity token to the builder', async () => {
    await dockerConfig({ auths: { [host]: { identitytoken: 'refresh-token-x' } } });
    const s = settings({});
    const access = await quietly(() => findRegistryCredentials(s, [`${host}/octo/app:1`], env));
    seen.length = 0;
    await quietly(() => registryClients(s, access)(host).headManifest('octo/app', '1'));
    expect(seen).toEqual([undefined]);
  });
});

describe('builderEnvironment', () => {
  it('gives buildah a private auth file with what was found', async () => {
    await writeFile(
      env.REGISTRY_AUTH_FILE!,
      JSON.stringify({ auths: { 'kept.example': { auth: b64('k:kept-pw') } } }),
    );
    await dockerConfig({
      credHelpers: {},
      auths: { 'a.example': { auth: b64('a-user:a-password') } },
    });
    const s = settings({
      login: { registry: 'ghcr.io', username: 'me', password: 'input-password' },
    });
    const access = await quietly(() => findRegistryCredentials(s, ['a.example/x:1'], env));
    const extra = await quietly(() => builderEnvironment(s, access));
    const path = extra.REGISTRY_AUTH_FILE;
    expect(path.startsWith(join(dir, 'runner-temp', 'slipway-credentials-'))).toBe(true);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      auths: {
        'kept.example': { auth: b64('k:kept-pw') },
        'a.example': { auth: b64('a-user:a-password') },
        'ghcr.io': { auth: b64('me:input-password') },
      },
    });
  });

  it('gives docker nothing: it reads its own config.json', async () => {
    await dockerConfig({ auths: { 'a.example': { auth: b64('a-user:a-password') } } });
    const s = settings({ engine: 'docker' });
    const access = await quietly(() => findRegistryCredentials(s, ['a.example/x:1'], env));
    expect(await builderEnvironment(s, access)).toEqual({});
  });

  it('gives buildah nothing when no credentials were found', async () => {
    const s = settings({});
    const access = await quietly(() => findRegistryCredentials(s, ['a.example/x:1'], env));
    expect(await builderEnvironment(s, access)).toEqual({});
  });
});

describe('prepareBuilder', () => {
  it('does not log buildah in: its auth file carries the inputs', async () => {
    const s = settings({
      login: { registry: 'ghcr.io', username: 'me', password: 'input-password' },
    });
    const access = await quietly(() => findRegistryCredentials(s, ['ghcr.io/x:1'], env));
    // A login would run `buildah login` and save the login state; neither happens.
    let extra: Record<string, string> = {};
    const { text } = await captureStdout(async () => {
      extra = await prepareBuilder(s, access);
    });
    expect(text).not.toContain('[command]');
    expect(text).not.toContain('save-state name=image-login');
    expect(JSON.parse(await readFile(extra.REGISTRY_AUTH_FILE, 'utf8'))).toEqual({
      auths: { 'ghcr.io': { auth: b64('me:input-password') } },
    });
  });
});
