import { afterEach, describe, expect, it, vi } from 'vitest';
import * as core from '@actions/core';
import {
  bypassesProxy,
  canTunnel,
  proxyFor,
  proxyRoute,
  ProxyRouteError,
  withoutCredentials,
} from '../../src/core/http-proxy.js';
import { forgetSecretsForTesting, maskSecrets } from '../../src/core/secrets.js';

vi.mock('@actions/core', async (importOriginal) => ({
  ...(await importOriginal<typeof import('@actions/core')>()),
  warning: vi.fn(),
  setSecret: vi.fn(),
}));

afterEach(() => {
  forgetSecretsForTesting();
  vi.mocked(core.warning).mockClear();
});

const PROXY = 'http://proxy.corp.example:3128';

describe('proxyFor: the runner’s proxy variables, read as the toolkit reads them', () => {
  it.each<[string, Record<string, string>, string | undefined]>([
    ['https://codecov.io/upload', { https_proxy: PROXY }, `${PROXY}/`],
    ['https://codecov.io/upload', { HTTPS_PROXY: PROXY }, `${PROXY}/`],
    ['https://codecov.io/upload', { http_proxy: PROXY }, undefined],
    ['http://prometheus.corp.example:9090/', { http_proxy: PROXY }, `${PROXY}/`],
    ['http://prometheus.corp.example:9090/', { https_proxy: PROXY }, undefined],
    [
      'https://ghcr.io/v2/',
      { https_proxy: 'http://lower:3128', HTTPS_PROXY: 'http://upper:3128' },
      'http://lower:3128/',
    ],
    ['https://ghcr.io/v2/', { https_proxy: 'proxy.corp.example:3128' }, `${PROXY}/`],
    ['https://ghcr.io/v2/', { https_proxy: '' }, undefined],
    ['https://ghcr.io/v2/', {}, undefined],
  ])('%s with %j goes through %s', (url, env, proxy) => {
    expect(proxyFor(new URL(url), env)?.href).toBe(proxy);
  });

  it('keeps the credentials of the proxy URL for the proxy', () => {
    const proxy = proxyFor(new URL('https://ghcr.io/'), {
      https_proxy: 'http://ci%40corp:p%3Ass@proxy:3128',
    });
    expect([proxy?.username, proxy?.password]).toEqual(['ci%40corp', 'p%3Ass']);
  });

  it('refuses a value that is no proxy URL without repeating it (it may hold a password)', () => {
    expect(() =>
      proxyFor(new URL('https://ghcr.io/'), { https_proxy: 'socks5://u:hunter22@proxy:1080' }),
    ).toThrow(
      /^https_proxy is not an http\(s\) proxy URL such as http:\/\/proxy\.example\.com:3128 \(with user:password@/,
    );
    expect(() =>
      proxyFor(new URL('http://a.example/'), { http_proxy: 'http://u:hunter22@[bad' }),
    ).toThrow(/^http_proxy is not an http\(s\) proxy URL/);
    try {
      proxyFor(new URL('https://ghcr.io/'), { https_proxy: 'socks5://u:hunter22@proxy:1080' });
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter22');
    }
  });
});

describe('bypassesProxy: loopback and no_proxy', () => {
  it.each<[string, string, boolean]>([
    ['http://127.0.0.1:9090/', '', true],
    ['http://127.8.9.10/', '', true],
    ['http://localhost:8080/', '', true],
    ['http://LOCALHOST/', '', true],
    ['http://[::1]:9090/', '', true],
    ['https://codecov.io/', '', false],
    ['https://codecov.io/', 'codecov.io', true],
    ['https://CODECOV.IO/', 'Codecov.io', true],
    ['https://api.codecov.io/', 'codecov.io', true],
    ['https://api.codecov.io/', '.codecov.io', true],
    ['https://notcodecov.io/', 'codecov.io', false],
    ['https://codecov.io/', 'codecov.io:443', true],
    ['https://codecov.io:8443/', 'codecov.io:443', false],
    ['http://prometheus.internal/', 'prometheus.internal:80', true],
    ['https://ghcr.io/', ' example.com , ghcr.io ,, ', true],
    ['https://ghcr.io/', '*', true],
    ['https://ghcr.io/', 'example.com,.org', false],
    ['http://10.1.2.3:9090/', '10.0.0.0/8', false],
  ])('%s with no_proxy %j: %s', (url, noProxy, bypassed) => {
    expect(bypassesProxy(new URL(url), noProxy)).toBe(bypassed);
  });

  it('reads no_proxy before NO_PROXY', () => {
    const url = new URL('https://ghcr.io/');
    expect(proxyFor(url, { https_proxy: PROXY, no_proxy: 'ghcr.io', NO_PROXY: '' })).toBe(
      undefined,
    );
    expect(proxyFor(url, { https_proxy: PROXY, NO_PROXY: 'ghcr.io' })).toBe(undefined);
    expect(
      proxyFor(url, { https_proxy: PROXY, no_proxy: 'example.com', NO_PROXY: 'ghcr.io' }),
    ).toBeDefined();
  });
});

describe('canTunnel: Node versions whose agents take a proxy', () => {
  it.each<[string, boolean]>([
    ['24.21.0', true],
    ['24.5.0', true],
    ['24.4.1', false],
    ['22.21.0', true],
    ['22.20.0', false],
    ['20.19.5', false],
    ['25.0.0', true],
  ])('%s: %s', (version, supported) => {
    expect(canTunnel(version)).toBe(supported);
  });
});

describe('proxyRoute', () => {
  const url = new URL('https://codecov.io/upload');

  it('connects directly when no proxy applies, and says nothing', async () => {
    expect(await proxyRoute(url, { no_proxy: '*', https_proxy: PROXY }, '24.21.0')).toBe(undefined);
    expect(core.warning).not.toHaveBeenCalled();
  });

  it('masks the proxy password, and shows the proxy without it', async () => {
    const route = await proxyRoute(
      url,
      { https_proxy: 'http://ci:pr0xy%21pass@proxy.corp.example:3128' },
      '24.21.0',
    );
    expect(route?.shown).toBe('http://proxy.corp.example:3128/');
    expect(maskSecrets('pr0xy!pass and pr0xy%21pass')).toBe('*** and ***');
  });

  it('warns once and connects directly when the variable is no http(s) proxy URL', async () => {
    const env = { https_proxy: 'socks5://ci:hunter22@proxy.corp.example:1080' };
    expect(await proxyRoute(url, env, '24.21.0')).toBe(undefined);
    expect(await proxyRoute(url, env, '24.21.0')).toBe(undefined);
    expect(vi.mocked(core.warning).mock.calls).toEqual([
      [
        'https_proxy is not an http(s) proxy URL such as http://proxy.example.com:3128 (with user:password@ before the host if the proxy wants them); connecting directly.',
      ],
    ]);
  });

  it('masks a password that is not valid percent-encoding, and says how to write it', async () => {
    const route = await proxyRoute(
      url,
      { https_proxy: 'http://ci:50%off@proxy.corp.example:3128' },
      '24.21.0',
    );
    expect(route).toBe(undefined);
    expect(vi.mocked(core.warning).mock.calls).toEqual([
      [
        'The proxy http://proxy.corp.example:3128/ cannot be used (URI malformed: write a % in its user or password as %25); connecting directly.',
      ],
    ]);
    expect(maskSecrets('password 50%off')).toBe('password ***');
  });

  it('warns once and connects directly on a Node that cannot tunnel', async () => {
    const env = { https_proxy: 'http://ci:secretpw@proxy.corp.example:3128' };
    expect(await proxyRoute(url, env, '24.4.0')).toBe(undefined);
    expect(await proxyRoute(url, env, '24.4.0')).toBe(undefined);
    expect(core.warning).toHaveBeenCalledTimes(1);
    const [message] = vi.mocked(core.warning).mock.calls[0] as [string];
    expect(message).toBe(
      'A proxy is set (http://proxy.corp.example:3128/), but Node 24.4.0 cannot send requests through one (24.5 and later can); connecting directly. Update the runner to get a newer Node 24.',
    );
  });
});

describe('withoutCredentials', () => {
  it('cuts user:password@ out of every URL in a message', () => {
    expect(
      withoutCredentials(
        'Failed to establish tunnel via http://ci:p4ss@proxy:3128/ (was https://u@h/)',
      ),
    ).toBe('Failed to establish tunnel via http://proxy:3128/ (was https://h/)');
  });
});

describe('ProxyRouteError', () => {
  it('names the proxy and the answer it gave to CONNECT, keeping the status for retries', () => {
    const tunnel = Object.assign(
      new Error(
        'Failed to establish tunnel to codecov.io:443 via http://proxy:3128/: HTTP/1.0 407 Proxy Authentication Required',
      ),
      { code: 'ERR_PROXY_TUNNEL', statusCode: 407 },
    );
    const error = new ProxyRouteError(tunnel, 'http://proxy:3128/');
    expect(error.message).toBe(
      'the proxy http://proxy:3128/ would not open a tunnel: it answered 407 Proxy Authentication Required',
    );
    expect(error.status).toBe(407);
  });

  it('keeps the network error code of a proxy that cannot be reached', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3128'), {
      code: 'ECONNREFUSED',
    });
    const error = new ProxyRouteError(refused, 'http://127.0.0.1:3128/');
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.status).toBe(undefined);
    expect(error.message).toBe(
      'connect ECONNREFUSED 127.0.0.1:3128 (through the proxy http://127.0.0.1:3128/)',
    );
  });
});
