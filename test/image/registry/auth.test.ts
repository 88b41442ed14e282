import { createServer as createNetServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionError } from '../../../src/core/errors.js';
import { maskSecrets } from '../../../src/core/secrets.js';
import {
  parseChallenges,
  RegistryAuth,
  repositoryScope,
  type Challenge,
} from '../../../src/image/registry/auth.js';
import { RegistryClient } from '../../../src/image/registry/client.js';
import { planPromotion, promote } from '../../../src/image/registry/promote.js';
import { parseReference } from '../../../src/core/image-reference.js';
import {
  countRequests,
  HTPASSWD_TOOL,
  OPENSSL_TOOL,
  pushTestImage,
  REGISTRY_TOOL,
  registryDigest,
  startRegistry,
  type TestRegistry,
} from '../../support/registry.js';
import { describeWithTool } from '../../support/tools.js';

describe('parseChallenges', () => {
  it.each<[string, Challenge[]]>([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:samalba/my-app:pull,push',
          },
        },
      ],
    ],
    ['Basic realm="Registry Realm"', [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]],
    [
      'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:user/image:pull"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://ghcr.io/token',
            service: 'ghcr.io',
            scope: 'repository:user/image:pull',
          },
        },
      ],
    ],
    [
      'Basic realm="basic", Bearer realm="https://x.test/token", service=x.test',
      [
        { scheme: 'basic', params: { realm: 'basic' } },
        { scheme: 'bearer', params: { realm: 'https://x.test/token', service: 'x.test' } },
      ],
    ],
    [
      'BEARER Realm = "r" , Service = "s"',
      [{ scheme: 'bearer', params: { realm: 'r', service: 's' } }],
    ],
    [
      'Bearer realm="a \\"quoted\\" realm"',
      [{ scheme: 'bearer', params: { realm: 'a "quoted" realm' } }],
    ],
    ['Bearer', [{ scheme: 'bearer', params: {} }]],
    ['', []],
  ])('%s', (header, challenges) => {
    expect(parseChallenges(header)).toEqual(challenges);
  });
});

const USER = { username: 'ci', password: 'correct-horse-battery' };

describe('reaching a registry that accepts connections and never answers', () => {
  it('gives up within the probe deadline and says how long it tried', async () => {
    const sockets: Socket[] = [];
    const silent = createNetServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const host = `127.0.0.1:${port}`;
    const auth = new RegistryAuth(host, `http://${host}`, undefined, Date.now, {
      attemptMs: 600,
      deadlineMs: 1_500,
    });
    const started = Date.now();
    try {
      const error = (await auth
        .authorization(['repository:a/b:pull'])
        .catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(ActionError);
      expect(error.message).toMatch(
        /no response within 0\.6s per attempt; gave up after \d attempts? over/,
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
    expect(Date.now() - started).toBeLessThan(1_500 + 1_000);
  });
});

describeWithTool(REGISTRY_TOOL, 'registry authentication', () => {
  describeWithTool(HTPASSWD_TOOL, 'htpasswd (Basic) against docker-registry', () => {
    let registry: TestRegistry;
    const ref = (text: string) => parseReference(`${registry.host}/${text}`);

    beforeAll(async () => {
      registry = await startRegistry({ htpasswd: USER });
    });
    afterAll(async () => {
      await registry?.stop();
    });

    it('promotes with the right username and password', async () => {
      const client = new RegistryClient({ registry: registry.host, credentials: USER });
      const pushed = await pushTestImage(client, 'app', 'sha-1', {
        platforms: ['linux/amd64', 'linux/arm64'],
      });
      const plan = await planPromotion(client, ref('app:sha-1'), [
        ref('release/app:1.0.0'),
        ref('app:1.0'),
      ]);
      const result = await promote(plan, client);
      expect(result.digest).toBe(pushed.digest);
      expect((await registryDigest(registry, 'release/app', '1.0.0', USER)).digest).toBe(
        pushed.digest,
      );
      expect((await registryDigest(registry, 'release/app', '1.0.0')).status).toBe(401);
      // The password and the basic-auth value derived from it are masked wherever we print.
      const basic = Buffer.from(`${USER.username}:${USER.password}`).toString('base64');
      expect(maskSecrets(`pw ${USER.password} header Basic ${basic}`)).toBe(
        'pw *** header Basic ***',
      );
    });

    it.each<[name: string, credentials: typeof USER | undefined, message: RegExp, hint: RegExp]>([
      [
        'a wrong password',
        { username: 'ci', password: 'wrong-password' },
        /^Registry 127\.0\.0\.1:\d+ refused to read denied\/app:sha-1 for user 'ci' \(HTTP 401\): wrong username or password, or the account lacks permission\.$/,
        /Check the password/,
      ],
      [
        'no credentials',
        undefined,
        /^Registry 127\.0\.0\.1:\d+ refused to read denied\/app:sha-1 without credentials \(HTTP 401\)\.$/,
        /Set the username and password inputs/,
      ],
    ])('fails at once with a clear error for %s', async (_name, credentials, message, hint) => {
      const before = await countRequests(registry, 'GET', '/v2/denied/app/manifests/sha-1', 401);
      const client = new RegistryClient({ registry: registry.host, credentials });
      const error = await planPromotion(client, ref('denied/app:sha-1'), [
        ref('denied/app:1'),
      ]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ActionError);
      expect((error as ActionError).message).toMatch(message);
      expect((error as ActionError).hint).toMatch(hint);
      expect((error as ActionError).message).not.toContain('wrong-password');
      // A 401 is final: asked once, never retried.
      expect(
        (await countRequests(registry, 'GET', '/v2/denied/app/manifests/sha-1', 401)) - before,
      ).toBe(1);
    });
  });

  describeWithTool(OPENSSL_TOOL, 'token (Bearer) auth against docker-registry', () => {
    let registry: TestRegistry;
    const ref = (text: string) => parseReference(`${registry.host}/${text}`);
    const READER = { username: 'reader', password: 'reader-password' };

    beforeAll(async () => {
      registry = await startRegistry({
        token: {
          users: [
            { ...USER, access: { '*': ['pull', 'push'] } },
            { ...READER, access: { '*': ['pull'] } },
          ],
          anonymous: { 'public/app': ['pull'] },
        },
      });
    });
    afterAll(async () => {
      await registry?.stop();
    });
    const tokenRequests = () => registry.tokenServer?.requests ?? [];

    it('promotes an index across repositories with tokens scoped per repository', async () => {
      const client = new RegistryClient({ registry: registry.host, credentials: USER });
      const pushed = await pushTestImage(client, 'team/app', 'sha-2', {
        platforms: ['linux/amd64', 'linux/arm64'],
      });
      const already = tokenRequests().length;
      const plan = await planPromotion(client, ref('team/app:sha-2'), [
        ref('prod/app:2.0.0'),
        ref('prod/app:2'),
      ]);
      const result = await promote(plan, client);
      expect(result.digest).toBe(pushed.digest);
      const asked = tokenRequests().slice(already);
      expect(asked.every((r) => r.status === 200 && r.account === 'ci')).toBe(true);
      // The mount needs push on the target and pull on the source in one token.
      expect(asked.map((r) => r.scopes)).toContainEqual([
        'repository:prod/app:pull,push',
        'repository:team/app:pull',
      ]);
      // One token per scope set, reused for every request needing it.
      const keys = tokenRequests().map((r) => [...r.scopes].sort().join(' '));
      expect(new Set(keys).size).toBe(keys.length);
      expect(
        await new RegistryClient({ registry: registry.host, credentials: USER }).headManifest(
          'prod/app',
          '2',
        ),
      ).toMatchObject({
        digest: pushed.digest,
      });
    });

    it('caches a token per scope until shortly before it expires (60s when the server names none)', async () => {
      let now = 1_000_000;
      const auth = new RegistryAuth(registry.host, registry.url, USER, () => now);
      const pull = [repositoryScope('cache/app', ['pull'])];
      const push = [repositoryScope('cache/app', ['pull', 'push'])];
      const before = tokenRequests().length;
      const first = await auth.authorization(pull);
      expect(first).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
      // Tokens are registered as secrets the moment they arrive.
      expect(maskSecrets(first as string)).toBe('Bearer ***');
      expect(await auth.authorization(pull)).toBe(first);
      await auth.authorization(push);
      now += 49_000;
      expect(await auth.authorization(pull)).toBe(first);
      expect(tokenRequests().length - before).toBe(2);
      now += 2_000;
      await auth.authorization(pull);
      expect(tokenRequests().length - before).toBe(3);
    });

    it('reports a wrong password at the token service once, without retrying', async () => {
      const client = new RegistryClient({
        registry: registry.host,
        credentials: { username: 'ci', password: 'not-the-password' },
      });
      const before = tokenRequests().length;
      const error = await planPromotion(client, ref('team/app:sha-2'), [
        ref('team/app:9.9.9'),
      ]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ActionError);
      expect((error as Error).message).toMatch(
        /^Registry 127\.0\.0\.1:\d+: the token service at http:\/\/127\.0\.0\.1:\d+ rejected the username and password of 'ci' \(HTTP 401\)\.$/,
      );
      expect(
        tokenRequests()
          .slice(before)
          .map((r) => r.status),
      ).toEqual([401]);
    });

    it('gets a read-only token for an account that may only pull, and names the refused push', async () => {
      const writer = new RegistryClient({ registry: registry.host, credentials: USER });
      await pushTestImage(writer, 'ro/app', 'sha-3', { content: 'read only' });
      const reader = new RegistryClient({ registry: registry.host, credentials: READER });
      const plan = await planPromotion(reader, ref('ro/app:sha-3'), [ref('ro/app:3.0.0')]);
      expect(plan.targets[0].action).toBe('create');
      const error = await promote(plan, reader).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(
        /^Registry 127\.0\.0\.1:\d+ refused to push ro\/app:3\.0\.0 for user 'reader' \(HTTP 401\)/,
      );
      // The token service granted what it could (pull), as the spec says, rather than failing.
      expect(
        tokenRequests()
          .filter((r) => r.account === 'reader')
          .map((r) => r.granted),
      ).toContainEqual(['repository:ro/app:pull']);
    });

    it('reads anonymously where anonymous pull is allowed', async () => {
      const writer = new RegistryClient({ registry: registry.host, credentials: USER });
      const pushed = await pushTestImage(writer, 'public/app', 'latest', { content: 'public' });
      const anonymous = new RegistryClient({ registry: registry.host });
      expect(await anonymous.headManifest('public/app', 'latest')).toMatchObject({
        digest: pushed.digest,
      });
      const error = await anonymous.headManifest('private/app', 'latest').catch((e: unknown) => e);
      expect((error as Error).message).toMatch(
        /refused to read private\/app:latest without credentials \(HTTP 401\)/,
      );
    });
  });
});
