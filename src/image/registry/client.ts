import { ActionError } from '../../core/errors.js';
import {
  HttpError,
  httpRequest,
  type HttpRequestOptions,
  type HttpResponse,
} from '../../core/http.js';
import { RegistryAuth, repositoryScope, type RegistryCredentials } from './auth.js';
import { describeCredentialSearch } from './credential-store.js';
import { digestOf, MANIFEST_ACCEPT, resolveMediaType } from './manifest.js';
import { isLoopbackRegistry } from '../../core/image-reference.js';

export type { RegistryCredentials } from './auth.js';

export interface ManifestHead {
  digest: string;
  mediaType: string;
  size: number;
}

export interface Manifest extends ManifestHead {
  /** Exactly as the registry stored them: the digest is computed over these bytes. */
  bytes: Buffer;
}

export interface RegistryClientOptions {
  /** host[:port], as in an ImageReference. */
  registry: string;
  credentials?: RegistryCredentials;
  /** Plain HTTP. Defaults to true only for loopback hosts (localhost, 127.x.x.x, [::1]). */
  insecure?: boolean;
}

/** The OCI distribution spec asks registries to accept manifests of at least 4 MiB. */
const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;

/**
 * The slice of the OCI distribution API that promotion needs: manifests by tag or digest, and
 * blobs by existence check, cross-repository mount or upload.
 */
export class RegistryClient {
  readonly registry: string;
  readonly baseUrl: string;
  private readonly auth: RegistryAuth;
  private readonly credentials?: RegistryCredentials;

  constructor(options: RegistryClientOptions) {
    this.registry = options.registry;
    const plainHttp = options.insecure ?? isLoopbackRegistry(options.registry);
    this.baseUrl = `${plainHttp ? 'http' : 'https'}://${options.registry}`;
    this.credentials = options.credentials;
    this.auth = new RegistryAuth(this.registry, this.baseUrl, options.credentials);
  }

  /**
   * The manifest's digest and type without its body; undefined when the tag or digest is absent.
   * `forPush` asks for a token that may also push, as docker does before pushing: some registries
   * (Docker Hub) refuse a pull-only token for a repository that does not exist yet.
   */
  async headManifest(
    repository: string,
    reference: string,
    options: { forPush?: boolean } = {},
  ): Promise<ManifestHead | undefined> {
    const scope = options.forPush ? pull(repository, 'push') : pull(repository);
    const response = await this.send(`read ${repository}:${reference}`, [scope], {
      method: 'HEAD',
      url: this.manifestUrl(repository, reference),
      headers: { accept: MANIFEST_ACCEPT },
    });
    if (!response) return undefined;
    const digest = response.headers.get('docker-content-digest');
    const mediaType = response.headers.get('content-type')?.split(';')[0].trim();
    // The spec requires the header; registries that omit it on HEAD still tell us through a GET.
    if (!digest || !mediaType) return this.getManifest(repository, reference);
    return { digest, mediaType, size: Number(response.headers.get('content-length') ?? 0) };
  }

  /**
   * A small blob's bytes (an image config), checked against the digest; undefined when absent.
   * A registry may redirect the GET to storage elsewhere; httpRequest drops the Authorization header
   * when it leaves the registry's origin.
   */
  async getBlob(
    repository: string,
    digest: string,
    maxBytes = MAX_MANIFEST_BYTES,
  ): Promise<Buffer | undefined> {
    const response = await this.send(`read blob ${digest} in ${repository}`, [pull(repository)], {
      url: `${this.baseUrl}/v2/${repository}/blobs/${digest}`,
      maxResponseBytes: maxBytes,
    });
    if (!response) return undefined;
    const actual = digestOf(response.body, digest);
    if (actual !== digest) {
      throw new ActionError(
        `Registry ${this.registry} returned bytes for blob ${repository}@${digest} whose digest is ${actual}.`,
        'The registry or a proxy altered the blob; push the image again.',
      );
    }
    return response.body;
  }

  /** The manifest bytes, checked against their digest; undefined when absent. */
  async getManifest(repository: string, reference: string): Promise<Manifest | undefined> {
    const response = await this.send(`read ${repository}:${reference}`, [pull(repository)], {
      url: this.manifestUrl(repository, reference),
      headers: { accept: MANIFEST_ACCEPT },
      maxResponseBytes: MAX_MANIFEST_BYTES,
    });
    if (!response) return undefined;
    const bytes = response.body;
    const byDigest = reference.includes(':');
    const digest = digestOf(bytes, byDigest ? reference : 'sha256:');
    const announced = response.headers.get('docker-content-digest');
    const expected = byDigest ? reference : announced;
    if (expected && expected.split(':')[0] === digest.split(':')[0] && expected !== digest) {
      throw new ActionError(
        `Registry ${this.registry} returned manifest bytes for ${repository}@${expected} whose digest is ${digest}.`,
        'The registry or a proxy altered the manifest; copying it would change the image digest.',
      );
    }
    const mediaType = resolveMediaType(response.headers.get('content-type'), bytes);
    return { digest, mediaType, size: bytes.length, bytes };
  }

  /** Stores the exact bytes under `reference` (a tag or the digest) and returns the digest. */
  async putManifest(
    repository: string,
    reference: string,
    bytes: Buffer,
    mediaType: string,
  ): Promise<string> {
    const digest = digestOf(bytes);
    const response = await this.send(
      `push ${repository}:${reference}`,
      [pull(repository, 'push')],
      {
        method: 'PUT',
        url: this.manifestUrl(repository, reference),
        headers: { 'content-type': mediaType },
        body: bytes,
      },
      { notFoundIsError: true },
    );
    const stored = response?.headers.get('docker-content-digest');
    if (stored && stored !== digest) {
      throw new ActionError(
        `Registry ${this.registry} stored ${repository}:${reference} as ${stored}, not ${digest}.`,
        'The registry rewrote the manifest; its digest would differ from the source image.',
      );
    }
    return digest;
  }

  async blobExists(repository: string, digest: string): Promise<boolean> {
    const response = await this.send(`read blob ${digest} in ${repository}`, [pull(repository)], {
      method: 'HEAD',
      url: `${this.baseUrl}/v2/${repository}/blobs/${digest}`,
    });
    return response !== undefined;
  }

  /**
   * Links a blob that `from` holds into `repository` without transferring it. False when the
   * registry declined (it then opens an upload session, which is cancelled here).
   */
  async mountBlob(repository: string, digest: string, from: string): Promise<boolean> {
    const url = new URL(`${this.baseUrl}/v2/${repository}/blobs/uploads/`);
    url.searchParams.set('mount', digest);
    url.searchParams.set('from', from);
    const scopes = [pull(repository, 'push'), pull(from)];
    const response = await this.send(
      `mount blob ${digest} from ${from} into ${repository}`,
      scopes,
      { method: 'POST', url },
      { notFoundIsError: true },
    );
    if (response?.status === 201) return true;
    const location = response?.headers.get('location');
    if (location) {
      await this.send('cancel the upload', scopes, {
        method: 'DELETE',
        url: new URL(location, this.baseUrl),
        retry: { maxAttempts: 1 },
      }).catch(() => undefined);
    }
    return false;
  }

  /** Uploads a blob in one request (the spec's monolithic upload) unless it exists already. */
  async uploadBlob(repository: string, bytes: Buffer): Promise<string> {
    const digest = digestOf(bytes);
    if (await this.blobExists(repository, digest)) return digest;
    const what = `upload blob ${digest} to ${repository}`;
    const scopes = [pull(repository, 'push')];
    const started = await this.send(
      what,
      scopes,
      { method: 'POST', url: `${this.baseUrl}/v2/${repository}/blobs/uploads/` },
      { notFoundIsError: true },
    );
    const location = started?.headers.get('location');
    if (!location) {
      throw new ActionError(`Registry ${this.registry} opened an upload without a Location.`);
    }
    const url = new URL(location, this.baseUrl);
    url.searchParams.set('digest', digest);
    await this.send(
      what,
      scopes,
      {
        method: 'PUT',
        url,
        headers: { 'content-type': 'application/octet-stream' },
        body: bytes,
        // The upload session is consumed by the first attempt; a retry would hit a dead URL.
        retry: { maxAttempts: 1 },
      },
      { notFoundIsError: true },
    );
    return digest;
  }

  private manifestUrl(repository: string, reference: string): string {
    return `${this.baseUrl}/v2/${repository}/manifests/${reference}`;
  }

  /** One request with authorization; undefined for a 404 unless it means something is wrong. */
  private async send(
    what: string,
    scopes: string[],
    request: HttpRequestOptions,
    options: { notFoundIsError?: boolean } = {},
  ): Promise<HttpResponse | undefined> {
    const authorization = await this.auth.authorization(scopes);
    try {
      return await httpRequest({
        ...request,
        headers: { ...request.headers, ...(authorization && { authorization }) },
      });
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      if (error.status === 404 && !options.notFoundIsError) return undefined;
      throw this.explain(what, error);
    }
  }

  private explain(what: string, error: HttpError): Error {
    const codes = errorCodes(error.bodyExcerpt);
    if (error.status === 401 || error.status === 403) {
      this.auth.forgetTokens();
      return new ActionError(
        this.credentials
          ? `Registry ${this.registry} refused to ${what} for user '${this.credentials.username}' (HTTP ${error.status}): wrong username or password, or the account lacks permission.`
          : `Registry ${this.registry} refused to ${what} without credentials (HTTP ${error.status}).`,
        this.credentials
          ? 'Check the password (or access token) and that the account may pull and push this repository; registries also answer this way for a repository that does not exist.'
          : `Set the username and password inputs (and registry) to an account that may pull and push this repository, or log in to the registry in an earlier step (docker/login-action, redhat-actions/podman-login). No credentials for it were found in ${describeCredentialSearch()}.`,
        { cause: error },
      );
    }
    if (codes.includes('MANIFEST_BLOB_UNKNOWN') || codes.includes('BLOB_UNKNOWN')) {
      return new ActionError(
        `Registry ${this.registry} refused to ${what}: the manifest refers to layers, config or child manifests that the repository does not hold (${codes.join(', ')}).`,
        'Promote within one registry from an image whose content is complete, or push the source image again.',
        { cause: error },
      );
    }
    if (error.status === 413) {
      return new ActionError(
        `Registry ${this.registry} refused to ${what}: the manifest is larger than it accepts (HTTP 413).`,
        undefined,
        { cause: error },
      );
    }
    return new ActionError(
      `Registry ${this.registry} failed to ${what}: ${error.problem}`,
      error.hint,
      { cause: error },
    );
  }
}

/** The OCI error codes (`{"errors":[{"code":"..."}]}`) named in an error body. */
function errorCodes(body: string | undefined): string[] {
  return [...(body ?? '').matchAll(/"code"\s*:\s*"([A-Z_]+)"/g)].map((match) => match[1]);
}

function pull(repository: string, ...more: string[]): string {
  return repositoryScope(repository, ['pull', ...more]);
}
