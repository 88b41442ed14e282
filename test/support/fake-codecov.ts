/**
 * A stand-in for Codecov's upload API on 127.0.0.1, answering as codecov-api does for the combined
 * `POST /upload/<service>/<owner::::repo>/upload-coverage` (upload/views/upload_coverage.py, the
 * authentication classes in codecov_auth/authentication/repo_auth.py) and as its S3-compatible
 * storage does for the presigned PUT. Malformed requests get Codecov's status and message and are
 * recorded as violations, which fail the test; refusals a well-formed request can meet (no token
 * on a protected branch, a wrong token) are answered the same way but are not violations.
 */
import { createHmac, randomBytes, randomUUID, verify, type KeyObject } from 'node:crypto';
import { createServer, STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inflateSync } from 'node:zlib';
import { useFake } from './use-fake.js';

export interface FakeCodecovRepository {
  /** owner/repo, or group/subgroup/repo. */
  slug: string;
  /** Default github. */
  service?: string;
  /** The repository upload token (a UUID at Codecov). */
  token?: string;
  private?: boolean;
  /** The organisation turned off "token required for public repositories". */
  tokenlessAllowed?: boolean;
}

export interface FakeCodecovOptions {
  repositories: FakeCodecovRepository[];
  /** Public key of the OIDC issuer whose RS256 tokens are accepted (GitHub's JWKS at Codecov). */
  oidcPublicKey?: KeyObject | string;
  dashboardUrl?: string;
  /** Codecov signs storage URLs for 10 seconds. */
  presignedTtlMs?: number;
  /** The address it listens on and its URLs name: 127.0.0.1 unless a proxy must carry the requests. */
  host?: string;
}

export type CodecovEndpoint = 'upload-coverage' | 'storage' | 'unknown';

export interface CodecovCall {
  endpoint: CodecovEndpoint;
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  status: number | 'dropped';
  answer: string;
}

export interface StoredCoverageFile {
  filename: string;
  /** The report as the client read it, after base64 and zlib are undone. */
  bytes: Buffer;
  labels: string;
}

export interface CodecovUpload {
  id: string;
  service: string;
  slug: string;
  authentication: 'token' | 'oidc' | 'tokenless';
  body: Record<string, unknown>;
  storagePath: string;
  /** Set once the PUT arrived with a payload that decodes. */
  files?: StoredCoverageFile[];
  networkFiles?: string[];
  reportFixes?: unknown;
}

export interface CodecovViolation {
  endpoint: CodecovEndpoint;
  method: string;
  path: string;
  message: string;
}

export type FakeCodecovFailure =
  | { status: number; body?: string; headers?: Record<string, string> }
  /** Closes the socket without answering, as a network failure would. */
  | { dropConnection: true };

/** The git services codecov-api's `Service` enum knows; the path names one of them. */
const GIT_SERVICES = new Set([
  'github',
  'gitlab',
  'bitbucket',
  'github_enterprise',
  'gitlab_enterprise',
  'bitbucket_server',
]);
const NOT_VALID_TOKENLESS = { detail: 'Not valid tokenless upload' };
/** What Codecov answers a tokenless upload to a branch without `owner:` (seen by users as HTTP 400). */
const TOKEN_REQUIRED = { message: 'Token required because branch is protected' };
const NO_PERMISSION = { detail: 'You do not have permission to perform this action.' };
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const MAX_REPORT_BYTES = 256 * 1024 * 1024;
const SHA = /^[0-9a-f]{40}$/;

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

const json = (status: number, value: unknown): Answer => ({
  status,
  body: JSON.stringify(value),
  headers: { 'content-type': 'application/json' },
});

const s3Error = (status: number, code: string, message: string): Answer => ({
  status,
  body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  headers: { 'content-type': 'application/xml' },
});

export class FakeCodecov {
  readonly calls: CodecovCall[] = [];
  readonly uploads: CodecovUpload[] = [];
  readonly violations: CodecovViolation[] = [];
  private readonly failures: Array<{ endpoint: CodecovEndpoint; failure: FakeCodecovFailure }> = [];
  private readonly signingKey = randomBytes(32);

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: FakeCodecovOptions,
  ) {}

  static async start(options: FakeCodecovOptions): Promise<FakeCodecov> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, options.host ?? '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    const fake = new FakeCodecov(server, `http://${options.host ?? '127.0.0.1'}:${port}`, options);
    server.on('request', (request, response) => {
      fake
        .serve(request)
        .then((answer) => {
          if (answer === 'dropped') request.socket.destroy();
          else response.writeHead(answer.status, answer.headers).end(answer.body);
        })
        .catch(() => response.destroy());
    });
    return fake;
  }

  /** The next `times` requests to `endpoint` get `failure` instead of their answer. */
  failNext(endpoint: CodecovEndpoint, failure: FakeCodecovFailure, times = 1): this {
    for (let i = 0; i < times; i++) this.failures.push({ endpoint, failure });
    return this;
  }

  callsTo(endpoint: CodecovEndpoint): CodecovCall[] {
    return this.calls.filter((call) => call.endpoint === endpoint);
  }

  /** Returns the recorded violations and forgets them, for tests that provoke them on purpose. */
  takeViolations(): CodecovViolation[] {
    return this.violations.splice(0);
  }

  assertNoViolations(): void {
    if (this.violations.length === 0) return;
    const lines = this.violations.map(
      (v, i) => `  ${i + 1}. ${v.method} ${v.path} (${v.endpoint}): ${v.message}`,
    );
    throw new Error(
      `The fake Codecov saw ${this.violations.length} request(s) that break the upload protocol:\n${lines.join('\n')}`,
    );
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(request: IncomingMessage): Promise<Answer | 'dropped'> {
    const url = new URL(request.url ?? '/', this.url);
    const method = request.method ?? 'GET';
    const endpoint: CodecovEndpoint = /^\/upload\/[^/]+\/[^/]+\/upload-coverage\/?$/.test(
      url.pathname,
    )
      ? 'upload-coverage'
      : url.pathname.startsWith('/archive/')
        ? 'storage'
        : 'unknown';
    const call: CodecovCall = {
      endpoint,
      method,
      path: url.pathname,
      headers: request.headers,
      body: '',
      status: 0,
      answer: '',
    };
    this.calls.push(call);
    const raw = await readBody(request);
    if (raw === undefined) {
      call.status = 413;
      return json(413, { detail: 'Request body too large.' });
    }
    call.body = raw.toString('utf8');

    const queued = this.failures.findIndex((f) => f.endpoint === endpoint);
    let answer: Answer;
    if (queued >= 0) {
      const [{ failure }] = this.failures.splice(queued, 1);
      if ('dropConnection' in failure) {
        call.status = 'dropped';
        return 'dropped';
      }
      const body = failure.body ?? defaultFailureBody(failure.status);
      const type = body.startsWith('{') ? 'application/json' : 'text/html';
      answer = {
        status: failure.status,
        body,
        headers: failure.headers ?? { 'content-type': type },
      };
    } else {
      const violate = (message: string) =>
        this.violations.push({ endpoint, method, path: url.pathname, message });
      if (endpoint === 'upload-coverage') {
        answer = this.answerUpload(request, url, call.body, violate);
      } else if (endpoint === 'storage') {
        answer = this.answerStorage(request, url, raw, violate);
      } else {
        violate(
          url.pathname.startsWith('/upload/')
            ? 'no such upload route; the slug must be encoded as owner::::repo (subgroups joined with :::)'
            : 'no such route',
        );
        answer = {
          status: 404,
          body: '<h1>Not Found</h1>',
          headers: { 'content-type': 'text/html' },
        };
      }
    }
    call.status = answer.status;
    call.answer = answer.body;
    return answer;
  }

  private answerUpload(
    request: IncomingMessage,
    url: URL,
    text: string,
    violate: (message: string) => void,
  ): Answer {
    if (request.method !== 'POST') {
      violate('upload-coverage takes POST');
      return json(405, { detail: `Method "${request.method}" not allowed.` });
    }
    const [, service = '', encodedSlug = ''] =
      /^\/upload\/([^/]+)\/([^/]+)\/upload-coverage\/?$/.exec(url.pathname) ?? [];
    const slug = decodeSlug(decodeURIComponent(encodedSlug));
    const repository = this.options.repositories.find(
      (r) => slug !== undefined && r.slug === slug && (r.service ?? 'github') === service,
    );

    const auth = this.authenticate(request.headers.authorization, repository, service, text);
    if ('status' in auth) {
      if (auth.violation) violate(auth.violation);
      return auth;
    }
    if (!GIT_SERVICES.has(service)) {
      violate(
        `'${service}' is not a git service; the path names the git host (github), not the CI`,
      );
      return json(400, [`Service not found: ${service}`]);
    }
    if (auth.repository !== repository) return json(403, NO_PERMISSION);

    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (type !== 'application/json') {
      violate(`body sent as '${type}', not application/json`);
      return json(415, { detail: `Unsupported media type "${type}" in request.` });
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      violate('body is not JSON');
      return json(400, { detail: `JSON parse error - ${(error as Error).message}` });
    }
    const problems = uploadBodyProblems(body);
    if (Object.keys(problems).length > 0) {
      violate(`body: ${JSON.stringify(problems)}`);
      return json(400, problems);
    }
    const fields = body as Record<string, unknown>;
    const commit = fields.commitid as string;
    const id = randomUUID();
    const day = new Date().toISOString().slice(0, 10);
    const storagePath = `v4/raw/${day}/${hash(slug!)}/${commit}/${id}.txt`;
    this.uploads.push({
      id,
      service,
      slug: slug!,
      authentication: auth.authentication,
      body: fields,
      storagePath,
    });
    const [owner, name] = splitSlug(slug!);
    const dashboard = (this.options.dashboardUrl ?? 'https://app.codecov.io').replace(/\/+$/, '');
    return json(201, {
      external_id: id,
      created_at: new Date().toISOString(),
      raw_upload_location: this.presign(storagePath),
      url: `${dashboard}/${service}/${owner}/${name}/commit/${commit}`,
    });
  }

  /**
   * The authentication classes in the order codecov-api tries them: the organisation's tokenless
   * opt-out, the repository token, a GitHub OIDC token, then tokenless (only for `owner:branch`).
   */
  private authenticate(
    header: string | undefined,
    repository: FakeCodecovRepository | undefined,
    service: string,
    text: string,
  ):
    | { repository: FakeCodecovRepository; authentication: CodecovUpload['authentication'] }
    | (Answer & { violation?: string }) {
    let token: string | undefined;
    if (header) {
      const parts = header.trim().split(/\s+/);
      if (parts[0]!.toLowerCase() === 'token') {
        if (parts.length === 1) {
          return {
            ...json(401, { detail: 'Invalid token header. No credentials provided.' }),
            violation: 'Authorization header without a token',
          };
        }
        if (parts.length > 2) {
          return {
            ...json(401, {
              detail: 'Invalid token header. Token string should not contain spaces.',
            }),
            violation: 'token with spaces',
          };
        }
        token = parts[1];
      }
    }
    if (
      repository &&
      !repository.private &&
      repository.tokenlessAllowed &&
      GIT_SERVICES.has(service)
    ) {
      return { repository, authentication: token ? 'token' : 'tokenless' };
    }
    if (token) {
      const owner = this.options.repositories.find((r) => r.token === token);
      if (owner) return { repository: owner, authentication: 'token' };
      const claimed = this.verifyOidc(token);
      if (claimed) {
        const match = this.options.repositories.find(
          (r) => r.slug.toLowerCase() === claimed.toLowerCase(),
        );
        if (match) return { repository: match, authentication: 'oidc' };
      }
    }
    if (!repository || repository.private || !GIT_SERVICES.has(service)) {
      return json(401, NOT_VALID_TOKENLESS);
    }
    let branch: unknown;
    try {
      branch = (JSON.parse(text) as Record<string, unknown> | null)?.branch;
    } catch {
      branch = undefined;
    }
    if (typeof branch === 'string' && branch.includes(':')) {
      return { repository, authentication: 'tokenless' };
    }
    return token ? json(401, NOT_VALID_TOKENLESS) : json(400, TOKEN_REQUIRED);
  }

  /** The `repository` claim of a valid RS256 token for this audience, as codecov-api checks it. */
  private verifyOidc(token: string): string | undefined {
    const key = this.options.oidcPublicKey;
    const parts = token.split('.');
    if (!key || parts.length !== 3) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    try {
      const alg = (JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg?: string }).alg;
      if (alg !== 'RS256') return undefined;
      const signed = Buffer.from(`${header}.${payload}`);
      if (!verify('sha256', signed, key, Buffer.from(signature, 'base64url'))) return undefined;
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as {
        aud?: string | string[];
        exp?: number;
        repository?: string;
      };
      const audiences = [claims.aud].flat();
      if (!audiences.includes(this.url)) return undefined;
      if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return undefined;
      return claims.repository;
    } catch {
      return undefined;
    }
  }

  private presign(storagePath: string): string {
    const expires = Date.now() + (this.options.presignedTtlMs ?? 10_000);
    const url = new URL(`/archive/${storagePath}`, this.url);
    url.searchParams.set('X-Amz-Algorithm', 'AWS4-HMAC-SHA256');
    url.searchParams.set('X-Amz-Expires-At', String(expires));
    url.searchParams.set('X-Amz-Signature', this.sign(url.pathname, expires));
    return url.href;
  }

  private sign(path: string, expires: number): string {
    return createHmac('sha256', this.signingKey).update(`PUT\n${path}\n${expires}`).digest('hex');
  }

  private answerStorage(
    request: IncomingMessage,
    url: URL,
    raw: Buffer,
    violate: (message: string) => void,
  ): Answer {
    if (request.headers.authorization !== undefined) {
      violate(
        'the storage PUT carried an Authorization header: the token must never reach storage',
      );
      return s3Error(
        400,
        'InvalidArgument',
        'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
      );
    }
    const expires = Number(url.searchParams.get('X-Amz-Expires-At'));
    const signature = url.searchParams.get('X-Amz-Signature') ?? '';
    const upload = this.uploads.find((u) => `/archive/${u.storagePath}` === url.pathname);
    if (request.method !== 'PUT' || !upload || signature !== this.sign(url.pathname, expires)) {
      violate(`${request.method} to a storage URL that was not presigned for it`);
      return s3Error(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      );
    }
    if (Date.now() > expires) return s3Error(403, 'AccessDenied', 'Request has expired');
    const decoded = decodePayload(raw);
    if (typeof decoded === 'string') violate(`payload: ${decoded}`);
    else Object.assign(upload, decoded);
    // Storage takes any bytes; Codecov's worker finds out later whether they make sense.
    return { status: 200, body: '', headers: { etag: `"${hash(raw.toString('latin1'))}"` } };
  }
}

/** A fresh fake Codecov per test, failing it on violations; call the result inside a test. */
export function useFakeCodecov(options: FakeCodecovOptions): () => FakeCodecov {
  return useFake('useFakeCodecov', () => FakeCodecov.start(options));
}

/** `owner:::sub::::repo` → `owner/sub/repo`, as codecov-api decodes it; undefined if malformed. */
export function decodeSlug(encoded: string): string | undefined {
  const parts = encoded.split('::::');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  const owner = parts[0].split(':::');
  if (owner.some((part) => part === '' || part.includes(':'))) return undefined;
  return [...owner, parts[1]].join('/');
}

function splitSlug(slug: string): [string, string] {
  const cut = slug.lastIndexOf('/');
  return [slug.slice(0, cut), slug.slice(cut + 1)];
}

function hash(text: string): string {
  return createHmac('sha256', 'fake-codecov').update(text).digest('hex').slice(0, 16);
}

const nullableString = (value: unknown) => value === null || typeof value === 'string';

/**
 * DRF-style field errors for the combined upload body. codecov-api itself requires only
 * `commitid`; the fake also insists on every field codecov-cli sends, with its type, so that our
 * client stays a faithful copy of the CLI, and on a full 40-hex commit SHA.
 */
export function uploadBodyProblems(body: unknown): Record<string, string[]> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] };
  }
  const fields = body as Record<string, unknown>;
  const problems: Record<string, string[]> = {};
  const required = [
    'branch',
    'code',
    'commitid',
    'parent_commit_id',
    'pullid',
    'ci_service',
    'ci_url',
    'cli_args',
    'env',
    'flags',
    'job_code',
    'name',
    'version',
    'file_not_found',
  ];
  for (const name of required) {
    if (!(name in fields)) problems[name] = ['This field is required.'];
  }
  const check = (name: string, ok: boolean, message: string) => {
    if (name in fields && !problems[name] && !ok) problems[name] = [message];
  };
  check(
    'commitid',
    typeof fields.commitid === 'string' && SHA.test(fields.commitid),
    'Not a 40-character lower-case hexadecimal commit SHA.',
  );
  check(
    'parent_commit_id',
    fields.parent_commit_id === null ||
      (typeof fields.parent_commit_id === 'string' && SHA.test(fields.parent_commit_id)),
    'Not a 40-character lower-case hexadecimal commit SHA.',
  );
  check(
    'pullid',
    fields.pullid === null ||
      Number.isInteger(fields.pullid) ||
      (typeof fields.pullid === 'string' && /^\d+$/.test(fields.pullid)),
    'A valid integer is required.',
  );
  check(
    'flags',
    Array.isArray(fields.flags),
    `Expected a list of items but got type "${typeof fields.flags}".`,
  );
  if (
    Array.isArray(fields.flags) &&
    !fields.flags.every((f) => typeof f === 'string' && /^[\w.-]{1,45}$/.test(f))
  ) {
    problems.flags = ['Each flag must be 1 to 45 letters, digits, _, - or .'];
  }
  for (const name of ['branch', 'ci_url', 'job_code', 'name', 'version']) {
    check(name, nullableString(fields[name]), 'Not a valid string.');
  }
  check(
    'code',
    typeof fields.code === 'string' && fields.code !== '',
    'This field may not be blank.',
  );
  check(
    'ci_service',
    typeof fields.ci_service === 'string' && fields.ci_service !== '',
    'This field may not be blank.',
  );
  check(
    'env',
    fields.env === null || (typeof fields.env === 'object' && !Array.isArray(fields.env)),
    'Expected a dictionary of items.',
  );
  check('file_not_found', typeof fields.file_not_found === 'boolean', 'Must be a valid boolean.');
  return problems;
}

/** The storage payload decoded, or what is wrong with it. */
export function decodePayload(
  raw: Buffer,
): Pick<CodecovUpload, 'files' | 'networkFiles' | 'reportFixes'> | string {
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  } catch {
    return 'not JSON';
  }
  if (payload === null || typeof payload !== 'object') return 'not a JSON object';
  const fixes = payload.report_fixes as { format?: unknown; value?: unknown } | undefined;
  if (fixes?.format !== 'legacy' || typeof fixes.value !== 'object' || fixes.value === null) {
    return 'report_fixes must be {"format": "legacy", "value": {...}}';
  }
  const network = payload.network_files;
  if (!Array.isArray(network) || !network.every((f) => typeof f === 'string')) {
    return 'network_files must be a list of paths';
  }
  if (typeof payload.metadata !== 'object' || payload.metadata === null) {
    return 'metadata must be an object';
  }
  const entries = payload.coverage_files;
  if (!Array.isArray(entries) || entries.length === 0) return 'coverage_files is empty or missing';
  const files: StoredCoverageFile[] = [];
  for (const [index, entry] of entries.entries()) {
    const file = entry as Record<string, unknown>;
    if (typeof file.filename !== 'string' || file.filename === '') {
      return `coverage_files[${index}].filename is missing`;
    }
    if (file.format !== 'base64+compressed') {
      return `coverage_files[${index}].format is ${JSON.stringify(file.format)}, not "base64+compressed"`;
    }
    if (typeof file.labels !== 'string') return `coverage_files[${index}].labels must be a string`;
    if (
      typeof file.data !== 'string' ||
      !/^[A-Za-z0-9+/]*={0,2}$/.test(file.data) ||
      file.data.length % 4 !== 0
    ) {
      return `coverage_files[${index}].data is not base64`;
    }
    try {
      const bytes = inflateSync(Buffer.from(file.data, 'base64'), {
        maxOutputLength: MAX_REPORT_BYTES,
      });
      files.push({ filename: file.filename, bytes, labels: file.labels });
    } catch (error) {
      return `coverage_files[${index}].data is not zlib data: ${(error as Error).message}`;
    }
  }
  return { files, networkFiles: network as string[], reportFixes: fixes };
}

function defaultFailureBody(status: number): string {
  if (status === 429) {
    return JSON.stringify({
      message:
        'Rate limit reached. Please upload with the Codecov repository upload token to resolve issue. Expected time to availability: 60s.',
    });
  }
  return `<html><body><h1>${status} ${STATUS_CODES[status] ?? ''}</h1></body></html>`;
}

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
