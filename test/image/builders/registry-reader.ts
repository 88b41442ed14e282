import { gunzipSync } from 'node:zlib';

/**
 * Reads what a builder pushed straight from the registry's HTTP API, so tests check the
 * registry's view rather than the builder's own account of it.
 */

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export interface RegistryCredentials {
  username: string;
  password: string;
}

function headers(
  credentials?: RegistryCredentials,
  accept = MANIFEST_TYPES,
): Record<string, string> {
  const result: Record<string, string> = { Accept: accept };
  if (credentials) {
    const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
    result.Authorization = `Basic ${basic}`;
  }
  return result;
}

export async function listTags(
  host: string,
  repository: string,
  credentials?: RegistryCredentials,
) {
  const response = await fetch(`http://${host}/v2/${repository}/tags/list`, {
    headers: headers(credentials, 'application/json'),
  });
  if (response.status !== 200) throw new Error(`tags/list answered ${response.status}`);
  const body = (await response.json()) as { tags: string[] | null };
  return [...(body.tags ?? [])].sort();
}

/** The digest the registry reports for a tag, or undefined when the tag does not exist. */
export async function manifestDigest(
  host: string,
  repository: string,
  reference: string,
  credentials?: RegistryCredentials,
): Promise<string | undefined> {
  const response = await fetch(`http://${host}/v2/${repository}/manifests/${reference}`, {
    method: 'HEAD',
    headers: headers(credentials),
  });
  if (response.status === 404) return undefined;
  if (response.status !== 200) throw new Error(`HEAD manifest answered ${response.status}`);
  return response.headers.get('docker-content-digest') ?? undefined;
}

interface Manifest {
  mediaType?: string;
  manifests?: { digest: string; platform?: { architecture: string; os: string } }[];
  layers?: { digest: string; mediaType: string }[];
}

export async function readManifest(
  host: string,
  repository: string,
  reference: string,
  credentials?: RegistryCredentials,
): Promise<Manifest> {
  const response = await fetch(`http://${host}/v2/${repository}/manifests/${reference}`, {
    headers: headers(credentials),
  });
  if (response.status !== 200) throw new Error(`GET manifest answered ${response.status}`);
  return (await response.json()) as Manifest;
}

/** Every regular file in the image's layers (later layers win), as text. */
export async function readImageFiles(
  host: string,
  repository: string,
  reference: string,
  credentials?: RegistryCredentials,
): Promise<Map<string, string>> {
  const manifest = await readManifest(host, repository, reference, credentials);
  if (manifest.manifests) {
    return readImageFiles(host, repository, manifest.manifests[0].digest, credentials);
  }
  const files = new Map<string, string>();
  for (const layer of manifest.layers ?? []) {
    const response = await fetch(`http://${host}/v2/${repository}/blobs/${layer.digest}`, {
      headers: headers(credentials, '*/*'),
    });
    if (response.status !== 200) throw new Error(`GET blob answered ${response.status}`);
    const blob = Buffer.from(await response.arrayBuffer());
    const tar = layer.mediaType.endsWith('gzip') ? gunzipSync(blob) : blob;
    for (const [name, content] of readTar(tar)) files.set(name, content);
  }
  return files;
}

/** Enough of ustar for layers of COPYed files: regular files, names with prefixes. */
function readTar(tar: Buffer): Map<string, string> {
  const files = new Map<string, string>();
  let offset = 0;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    const prefix = field(345, 155);
    const name = (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100)).replace(/^\.?\//, '');
    const body = tar.subarray(offset + 512, offset + 512 + size);
    if (type === '0' || type === '') files.set(name, body.toString('utf8'));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}
