import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import {
  clusterIdentity,
  describeCluster,
  readClusterIdentity,
} from '../../src/core/cluster-identity.js';

const kubeconfig = {
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [
    { name: 'eu', cluster: { server: 'https://api.eu.example.com:6443' } },
    {
      name: 'us',
      cluster: { server: 'https://deploy:hunter2@api.us.example.com/k8s/clusters/c-1' },
    },
  ],
  users: [{ name: 'ci', user: { token: 'secret-token' } }],
  contexts: [
    { name: 'eu-west', context: { cluster: 'eu', user: 'ci' } },
    { name: 'us-east', context: { cluster: 'us', user: 'ci' } },
    { name: 'nowhere', context: { cluster: 'missing', user: 'ci' } },
  ],
  'current-context': 'eu-west',
};

describe('clusterIdentity', () => {
  it.each([
    ['the current context', undefined, { context: 'eu-west', server: 'api.eu.example.com:6443' }],
    ['an empty context input', '', { context: 'eu-west', server: 'api.eu.example.com:6443' }],
    // A user name and password in the URL, or a path, never reach the report.
    ['the context input', 'us-east', { context: 'us-east', server: 'api.us.example.com' }],
    ['a context whose cluster is missing', 'nowhere', { context: 'nowhere', server: undefined }],
    ['a context the kubeconfig lacks', 'typo', { context: 'typo', server: undefined }],
  ])('names %s', (_, context, expected) => {
    expect(clusterIdentity(kubeconfig, context)).toEqual(expected);
  });

  it.each([
    ['no current context', { ...kubeconfig, 'current-context': undefined }],
    ['not a mapping', ['a', 'list']],
    ['nothing', null],
  ])('knows nothing from a kubeconfig with %s', (_, config) => {
    expect(clusterIdentity(config, undefined)).toEqual({ context: undefined, server: undefined });
  });

  it('gives no server for a URL that does not parse', () => {
    const config = { ...kubeconfig, clusters: [{ name: 'eu', cluster: { server: 'not a url' } }] };
    expect(clusterIdentity(config, undefined).server).toBeUndefined();
  });
});

describe('readClusterIdentity', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cluster-identity-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the kubeconfig file kubectl is given', async () => {
    const file = join(dir, 'kubeconfig');
    await writeFile(file, YAML.stringify(kubeconfig));
    expect(await readClusterIdentity(file, 'us-east')).toEqual({
      context: 'us-east',
      server: 'api.us.example.com',
    });
  });

  it('falls back to the context input for a file it cannot read or parse', async () => {
    const broken = join(dir, 'broken');
    await writeFile(broken, 'clusters: [\n');
    expect(await readClusterIdentity(broken, 'eu-west')).toEqual({
      context: 'eu-west',
      server: undefined,
    });
    expect(await readClusterIdentity(join(dir, 'absent'), undefined)).toEqual({
      context: undefined,
      server: undefined,
    });
  });
});

describe('describeCluster', () => {
  it.each([
    [
      { context: 'eu-west', server: 'api.eu.example.com:6443' },
      'eu-west (api.eu.example.com:6443)',
    ],
    [{ context: 'eu-west', server: undefined }, 'eu-west'],
    [{ context: undefined, server: 'api.eu.example.com' }, 'api.eu.example.com'],
    [{ context: undefined, server: undefined }, undefined],
    [undefined, undefined],
  ])('%j reads %j', (identity, phrase) => {
    expect(describeCluster(identity)).toBe(phrase);
  });
});
