/**
 * Workflow artifacts for the fake GitHub API: the list endpoint with pagination, and the download
 * endpoint, which answers 302 to a presigned URL on a second local server standing in for GitHub's
 * blob storage. That server refuses, and records as a violation, any request that carries an
 * Authorization header: the GitHub token must never reach the storage host.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { zipSync } from 'fflate';
import { linkHeader } from './issue-comments.js';
import { GENERIC_DOCS } from './openapi-spec.js';
import type { FakeGitHub } from './server.js';
import type { FakeRequest, FakeResponse } from './types.js';

export interface ArtifactSpec {
  name: string;
  /** The branch of the run that uploaded it. */
  branch: string;
  /** File name → content, zipped as upload-artifact does; or `zip` for the archive as is. */
  files?: Record<string, string | Uint8Array>;
  zip?: Uint8Array;
  createdAt?: string;
  expired?: boolean;
  headSha?: string;
  runId?: number;
  owner?: string;
  repo?: string;
}

export interface StoredArtifact {
  id: number;
  name: string;
  branch: string;
  createdAt: string;
  expired: boolean;
  headSha: string;
  runId: number;
  owner: string;
  repo: string;
  zip: Uint8Array;
}

export interface BlobRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  status: number;
}

const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;
/** GitHub's download URLs expire after a minute. */
const BLOB_URL_TTL_MS = 60_000;

export class ArtifactStore {
  readonly artifacts: StoredArtifact[] = [];
  readonly blobRequests: BlobRequest[] = [];
  private nextId = 7_700_000_001;
  private clock = Date.parse('2026-11-01T08:00:00Z');
  private readonly key = randomBytes(32);

  private constructor(
    private readonly fake: FakeGitHub,
    private readonly blobServer: Server,
    readonly blobUrl: string,
  ) {}

  /** Starts the blob server and registers the artifact operations on `fake`. */
  static async attach(fake: FakeGitHub): Promise<ArtifactStore> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    const store = new ArtifactStore(fake, server, `http://127.0.0.1:${port}`);
    server.on('request', (request: IncomingMessage, response) => {
      const answer = store.serveBlob(request);
      response.writeHead(answer.status, answer.headers).end(answer.body);
    });
    fake.on('GET /repos/{owner}/{repo}/actions/artifacts', (request) => store.listPage(request));
    fake.on(
      'GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}',
      (request) => store.download(request),
    );
    return store;
  }

  /** Adds an artifact as if a run had uploaded it; later additions are newer unless dated. */
  add(spec: ArtifactSpec): StoredArtifact {
    this.clock += 60_000;
    const artifact: StoredArtifact = {
      id: this.nextId++,
      name: spec.name,
      branch: spec.branch,
      createdAt: spec.createdAt ?? new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      expired: spec.expired ?? false,
      headSha: spec.headSha ?? createHmac('sha1', 'sha').update(String(this.nextId)).digest('hex'),
      runId: spec.runId ?? 9_000_000_000 + this.nextId,
      owner: spec.owner ?? 'octo-org',
      repo: spec.repo ?? 'octo-service',
      zip: spec.zip ?? zipSync(encodeFiles(spec.files ?? {})),
    };
    this.artifacts.push(artifact);
    return artifact;
  }

  async close(): Promise<void> {
    this.blobServer.closeAllConnections();
    await new Promise<void>((resolve) => this.blobServer.close(() => resolve()));
  }

  private listPage(request: FakeRequest): FakeResponse {
    const { owner, repo } = request.params as { owner: string; repo: string };
    const name = request.query.name as string | undefined;
    // Newest first, as GitHub lists them.
    const all = this.artifacts
      .filter(
        (a) => a.owner === owner && a.repo === repo && (name === undefined || a.name === name),
      )
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
    const requested = request.query.per_page as number | undefined;
    const perPage = Math.min(Math.max(requested ?? DEFAULT_PER_PAGE, 1), MAX_PER_PAGE);
    const page = Math.max((request.query.page as number | undefined) ?? 1, 1);
    const lastPage = Math.max(Math.ceil(all.length / perPage), 1);
    const link = linkHeader(this.fake.url, request, page, lastPage);
    return {
      status: 200,
      body: {
        total_count: all.length,
        artifacts: all.slice((page - 1) * perPage, page * perPage).map((a) => this.render(a)),
      },
      headers: link ? { link } : {},
    };
  }

  private download(request: FakeRequest): FakeResponse {
    const { owner, repo, artifact_id: id, archive_format: format } = request.params;
    const artifact = this.artifacts.find(
      (a) => a.id === id && a.owner === owner && a.repo === repo,
    );
    if (!artifact || format !== 'zip') {
      return {
        status: 404,
        body: { message: 'Not Found', documentation_url: GENERIC_DOCS, status: '404' },
      };
    }
    if (artifact.expired) {
      return {
        status: 410,
        body: { message: 'Artifact has expired', documentation_url: GENERIC_DOCS, status: '410' },
      };
    }
    const expires = Date.now() + BLOB_URL_TTL_MS;
    const path = `/artifacts/${artifact.id}.zip`;
    const location = `${this.blobUrl}${path}?se=${expires}&sig=${this.sign(path, expires)}`;
    return { status: 302, headers: { location } };
  }

  private serveBlob(request: IncomingMessage): {
    status: number;
    body: string | Uint8Array;
    headers: Record<string, string>;
  } {
    const url = new URL(request.url ?? '/', this.blobUrl);
    const record = (status: number) =>
      this.blobRequests.push({
        method: request.method ?? 'GET',
        path: url.pathname,
        headers: request.headers,
        status,
      });
    const fail = (status: number, code: string, message: string) => {
      record(status);
      return {
        status,
        body: `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
        headers: { 'content-type': 'application/xml' },
      };
    };
    if (request.headers.authorization !== undefined) {
      this.fake.violations.push({
        kind: 'auth',
        method: request.method ?? 'GET',
        url: `${this.blobUrl}${url.pathname}`,
        message:
          'the artifact storage host received an Authorization header: the GitHub token must not follow the redirect',
      });
      return fail(403, 'AuthenticationFailed', 'Authorization header given with a signed URL.');
    }
    const expires = Number(url.searchParams.get('se'));
    const artifact = this.artifacts.find((a) => url.pathname === `/artifacts/${a.id}.zip`);
    if (!artifact || url.searchParams.get('sig') !== this.sign(url.pathname, expires)) {
      return fail(403, 'AuthenticationFailed', 'Signature did not match.');
    }
    if (Date.now() > expires)
      return fail(403, 'AuthenticationFailed', 'Signed expiry time has passed.');
    record(200);
    return {
      status: 200,
      body: artifact.zip,
      headers: { 'content-type': 'application/zip', 'content-length': String(artifact.zip.length) },
    };
  }

  private sign(path: string, expires: number): string {
    return createHmac('sha256', this.key).update(`${path}\n${expires}`).digest('hex');
  }

  private render(artifact: StoredArtifact) {
    const api = `${this.fake.url}/repos/${artifact.owner}/${artifact.repo}/actions/artifacts/${artifact.id}`;
    const expiresAt = new Date(Date.parse(artifact.createdAt) + 90 * 86_400_000).toISOString();
    return {
      id: artifact.id,
      node_id: `MDg6QXJ0aWZhY3Q${artifact.id}`,
      name: artifact.name,
      size_in_bytes: artifact.zip.length,
      url: api,
      archive_download_url: `${api}/zip`,
      expired: artifact.expired,
      created_at: artifact.createdAt,
      updated_at: artifact.createdAt,
      expires_at: expiresAt.replace(/\.\d{3}Z$/, 'Z'),
      digest: null,
      workflow_run: {
        id: artifact.runId,
        repository_id: 42,
        head_repository_id: 42,
        head_branch: artifact.branch,
        head_sha: artifact.headSha,
      },
    };
  }
}

function encodeFiles(files: Record<string, string | Uint8Array>): Record<string, Uint8Array> {
  return Object.fromEntries(
    Object.entries(files).map(([name, content]) => [
      name,
      typeof content === 'string' ? new TextEncoder().encode(content) : content,
    ]),
  );
}
