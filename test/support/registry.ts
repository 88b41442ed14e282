import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { RegistryClient } from '../../src/image/registry/client.js';
import { startRegistryProcess } from '../../tools/registry.js';
import {
  startTokenServer,
  type TokenServer,
  type TokenServerOptions,
} from './registry-token-server.js';

/**
 * A real registry for tests: Debian's docker-registry (tools/registry.js), optionally behind
 * htpasswd (bcrypt) Basic auth or token auth with our own token server. Plus a way to put small
 * images into it without a builder, through the blob upload API.
 */

export const REGISTRY_TOOL = { program: 'docker-registry', debianPackage: 'docker-registry' };
export const HTPASSWD_TOOL = {
  program: 'htpasswd',
  debianPackage: 'apache2-utils',
  versionArgs: ['-nbB', 'probe', 'probe'],
};
export const OPENSSL_TOOL = {
  program: 'openssl',
  debianPackage: 'openssl',
  versionArgs: ['version'],
};

export interface TestRegistry {
  /** 127.0.0.1:<port>, the registry part of an image reference. */
  host: string;
  url: string;
  /** Present when started with token auth. */
  tokenServer?: TokenServer;
  /** Everything the registry logged so far: logrus lines and one access-log line per request. */
  logs(): string;
  /** Waits until the access log shows every request answered so far (it is written late). */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartRegistryOptions {
  htpasswd?: { username: string; password: string };
  token?: Omit<TokenServerOptions, 'dir'>;
}

const run = promisify(execFile);

/** docker-registry started by tools/registry.js, with the auth set-ups tests need. */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<TestRegistry> {
  let tokenServer: TokenServer | undefined;
  const auth = async (dir: string): Promise<string[]> => {
    if (options.htpasswd) {
      const { username, password } = options.htpasswd;
      const { stdout } = await run('htpasswd', ['-Bbn', username, password]);
      await writeFile(path.join(dir, 'htpasswd'), stdout);
      return ['auth:', '  htpasswd:', '    realm: slipway-test', `    path: ${dir}/htpasswd`];
    }
    if (options.token) {
      tokenServer = await startTokenServer({ ...options.token, dir });
      return [
        'auth:',
        '  token:',
        `    realm: ${tokenServer.realm}`,
        `    service: ${tokenServer.service}`,
        `    issuer: ${tokenServer.issuer}`,
        `    rootcertbundle: ${tokenServer.certificatePath}`,
      ];
    }
    return [];
  };
  const registry = await startRegistryProcess({ auth, cleanup: async () => tokenServer?.stop() });
  return { ...registry, tokenServer };
}

/** Requests the registry served, from its access log (one combined-log line per request). */
export async function countRequests(
  registry: TestRegistry,
  method: string,
  pathPrefix: string,
  status?: number,
): Promise<number> {
  await registry.settle();
  return registry
    .logs()
    .split('\n')
    .filter((line) => {
      const match = /"([A-Z]+) (\S+) HTTP\/[\d.]+" (\d{3})/.exec(line);
      return (
        match !== null &&
        match[1] === method &&
        match[2].startsWith(pathPrefix) &&
        (status === undefined || Number(match[3]) === status)
      );
    }).length;
}

export interface TestImageOptions {
  /** Distinguishes images: different content gives a different digest. */
  content?: string;
  /** With platforms ('linux/amd64', ...) an index of one manifest per platform is pushed. */
  platforms?: string[];
  format?: 'oci' | 'docker';
}

export interface PushedImage {
  digest: string;
  mediaType: string;
  /** The manifest bytes as pushed. */
  bytes: Buffer;
  /** Digests of the child manifests, for an index. */
  children: string[];
  /** Digests of every config and layer blob. */
  blobs: string[];
}

const TYPES = {
  oci: {
    index: 'application/vnd.oci.image.index.v1+json',
    manifest: 'application/vnd.oci.image.manifest.v1+json',
    config: 'application/vnd.oci.image.config.v1+json',
    layer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  },
  docker: {
    index: 'application/vnd.docker.distribution.manifest.list.v2+json',
    manifest: 'application/vnd.docker.distribution.manifest.v2+json',
    config: 'application/vnd.docker.container.image.v1+json',
    layer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  },
};

/** Uploads a one-layer image (or an index of several) and tags it, returning what was pushed. */
export async function pushTestImage(
  client: RegistryClient,
  repository: string,
  tag: string,
  options: TestImageOptions = {},
): Promise<PushedImage> {
  const types = TYPES[options.format ?? 'oci'];
  const content = options.content ?? 'hello from slipway';
  const platforms = options.platforms ?? [];
  const blobs: string[] = [];

  const pushManifest = async (platform: string, reference: string | undefined) => {
    const [os, architecture] = platform.split('/');
    const tar = tarWithOneFile('hello.txt', `${content} (${platform})\n`);
    const layer = gzipSync(tar);
    const config = Buffer.from(
      JSON.stringify({
        architecture,
        os,
        config: { Cmd: ['/hello.txt'] },
        rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
      }),
    );
    const configDigest = await client.uploadBlob(repository, config);
    const layerDigest = await client.uploadBlob(repository, layer);
    blobs.push(configDigest, layerDigest);
    const bytes = Buffer.from(
      JSON.stringify(
        {
          schemaVersion: 2,
          mediaType: types.manifest,
          config: { mediaType: types.config, digest: configDigest, size: config.length },
          layers: [{ mediaType: types.layer, digest: layerDigest, size: layer.length }],
        },
        null,
        // Indented on purpose: re-serialising would change these bytes and so the digest.
        3,
      ),
    );
    const digest = sha256(bytes);
    await client.putManifest(repository, reference ?? digest, bytes, types.manifest);
    return { digest, bytes, platform: { os, architecture } };
  };

  if (platforms.length === 0) {
    const single = await pushManifest('linux/amd64', tag);
    return { ...single, mediaType: types.manifest, children: [], blobs };
  }
  const children = [];
  for (const platform of platforms) children.push(await pushManifest(platform, undefined));
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: types.index,
      manifests: children.map((child) => ({
        mediaType: types.manifest,
        digest: child.digest,
        size: child.bytes.length,
        platform: child.platform,
      })),
    }),
  );
  await client.putManifest(repository, tag, bytes, types.index);
  return {
    digest: sha256(bytes),
    mediaType: types.index,
    bytes,
    children: children.map((child) => child.digest),
    blobs,
  };
}

/**
 * The digest the registry reports for a manifest, read with plain fetch so that tests check
 * the client under test against something independent of it.
 */
export async function registryDigest(
  registry: TestRegistry,
  repository: string,
  reference: string,
  basic?: { username: string; password: string },
): Promise<{ status: number; digest: string | null; bytes: Buffer }> {
  const headers: Record<string, string> = {
    accept: [...new Set(Object.values(TYPES).flatMap((t) => [t.index, t.manifest]))].join(', '),
  };
  if (basic) {
    headers.authorization = `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`;
  }
  const response = await fetch(`${registry.url}/v2/${repository}/manifests/${reference}`, {
    headers,
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, digest: response.headers.get('docker-content-digest'), bytes };
}

export function sha256(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A POSIX ustar archive holding one regular file. */
export function tarWithOneFile(name: string, text: string): Buffer {
  const data = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(512);
  const put = (value: string, offset: number, length: number) =>
    header.write(value.slice(0, length), offset, length, 'ascii');
  const octal = (value: number, length: number) => value.toString(8).padStart(length - 1, '0');
  put(name, 0, 100);
  put(octal(0o644, 8), 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(data.length, 12), 124, 12);
  put(octal(0, 12), 136, 12);
  header.fill(' ', 148, 156);
  put('0', 156, 1);
  put('ustar\u000000', 257, 8);
  let checksum = 0;
  for (const byte of header) checksum += byte;
  put(`${octal(checksum, 7)}\u0000 `, 148, 8);
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([header, data, padding, Buffer.alloc(1024)]);
}

export interface PlatformImageOptions {
  /** os/architecture[/variant], written into the config as os, architecture and variant. */
  platform: string;
  /** Written into the config as os.version (Windows images name their build). */
  osVersion?: string;
  /** Distinguishes images: different content gives a different digest. */
  content?: string;
  format?: 'oci' | 'docker';
  /** Also tag it; by default it is pushed by digest only, as a matrix leg does. */
  tag?: string;
  /**
   * Push what buildx pushes with provenance on: an OCI index of the image and an attestation
   * manifest (platform unknown/unknown, vnd.docker.reference.type=attestation-manifest).
   */
  attestation?: boolean;
}

export interface PushedPlatformImage extends PushedImage {
  /** The image manifest: `digest` itself, or the image entry of the index with an attestation. */
  imageDigest: string;
  imageSize: number;
  attestationDigest?: string;
}

/**
 * Pushes one platform's image the way a matrix leg with push-by-digest does: by digest, without
 * a tag unless asked, with a config that names the platform.
 */
export async function pushPlatformImage(
  client: RegistryClient,
  repository: string,
  options: PlatformImageOptions,
): Promise<PushedPlatformImage> {
  const types = TYPES[options.format ?? 'oci'];
  const [os, architecture, variant] = options.platform.split('/');
  const content = options.content ?? `hello from slipway (${options.platform})`;
  const tar = tarWithOneFile('hello.txt', `${content}\n`);
  const layer = gzipSync(tar);
  const config = Buffer.from(
    JSON.stringify({
      architecture,
      os,
      ...(options.osVersion && { 'os.version': options.osVersion }),
      ...(variant && { variant }),
      config: { Cmd: ['/hello.txt'] },
      rootfs: { type: 'layers', diff_ids: [sha256(tar)] },
    }),
  );
  const configDigest = await client.uploadBlob(repository, config);
  const layerDigest = await client.uploadBlob(repository, layer);
  const blobs = [configDigest, layerDigest];
  const image = Buffer.from(
    JSON.stringify(
      {
        schemaVersion: 2,
        mediaType: types.manifest,
        config: { mediaType: types.config, digest: configDigest, size: config.length },
        layers: [{ mediaType: types.layer, digest: layerDigest, size: layer.length }],
      },
      null,
      2,
    ),
  );
  const imageDigest = sha256(image);
  await client.putManifest(repository, imageDigest, image, types.manifest);
  if (!options.attestation) {
    if (options.tag) await client.putManifest(repository, options.tag, image, types.manifest);
    return {
      digest: imageDigest,
      mediaType: types.manifest,
      bytes: image,
      children: [],
      blobs,
      imageDigest,
      imageSize: image.length,
    };
  }

  const statement = Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://slsa.dev/provenance/v0.2',
      subject: [{ name: '_', digest: { sha256: imageDigest.slice('sha256:'.length) } }],
      predicate: { builder: { id: content } },
    }),
  );
  const attestationConfig = Buffer.from(
    JSON.stringify({
      architecture: 'unknown',
      os: 'unknown',
      config: {},
      rootfs: { type: 'layers', diff_ids: [sha256(statement)] },
    }),
  );
  const statementDigest = await client.uploadBlob(repository, statement);
  const attestationConfigDigest = await client.uploadBlob(repository, attestationConfig);
  blobs.push(attestationConfigDigest, statementDigest);
  const attestation = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: TYPES.oci.manifest,
      config: {
        mediaType: TYPES.oci.config,
        digest: attestationConfigDigest,
        size: attestationConfig.length,
      },
      layers: [
        {
          mediaType: 'application/vnd.in-toto+json',
          digest: statementDigest,
          size: statement.length,
          annotations: { 'in-toto.io/predicate-type': 'https://slsa.dev/provenance/v0.2' },
        },
      ],
    }),
  );
  const attestationDigest = sha256(attestation);
  await client.putManifest(repository, attestationDigest, attestation, TYPES.oci.manifest);
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: TYPES.oci.index,
      manifests: [
        {
          mediaType: types.manifest,
          digest: imageDigest,
          size: image.length,
          platform: { architecture, os, ...(variant && { variant }) },
        },
        {
          mediaType: TYPES.oci.manifest,
          digest: attestationDigest,
          size: attestation.length,
          annotations: {
            'vnd.docker.reference.digest': imageDigest,
            'vnd.docker.reference.type': 'attestation-manifest',
          },
          platform: { architecture: 'unknown', os: 'unknown' },
        },
      ],
    }),
  );
  const digest = sha256(index);
  await client.putManifest(repository, options.tag ?? digest, index, TYPES.oci.index);
  return {
    digest,
    mediaType: TYPES.oci.index,
    bytes: index,
    children: [imageDigest, attestationDigest],
    blobs,
    imageDigest,
    imageSize: image.length,
    attestationDigest,
  };
}
