/**
 * The fake's HTTP server on 127.0.0.1: it validates each request, passes it to the handlers
 * registered for its operation, checks their answer, and records every call and violation.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IssueCommentStore } from './issue-comments.js';
import { findOperation, loadApi, type LoadedApi, type Operation } from './openapi-spec.js';
import { matchOperation, parseQuery } from './request-matching.js';
import type { FakeHandler, FakeRequest, FakeResponse, RecordedCall, Violation } from './types.js';
import { checkBody, checkParameters, Rejection, responseProblem } from './validation.js';

export interface FakeGitHubOptions {
  /** Accept requests without an Authorization header (public data read anonymously). */
  allowAnonymous?: boolean;
  /** When set, only this token is accepted; others get 401 Bad credentials. */
  token?: string;
  /** Check handler answers against the documented response schema (default true). */
  validateResponses?: boolean;
}

export class FakeGitHub {
  readonly calls: RecordedCall[] = [];
  readonly violations: Violation[] = [];
  private readonly handlers = new Map<string, FakeHandler[]>();
  private commentStore: IssueCommentStore | undefined;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: FakeGitHubOptions,
  ) {}

  static async start(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
    loadApi();
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const { port } = server.address() as AddressInfo;
    const fake = new FakeGitHub(server, `http://127.0.0.1:${port}`, options);
    server.on('request', (request, response) => {
      // A client that hangs up mid-request leaves nothing to answer.
      fake.serve(request, response).catch(() => response.destroy());
    });
    return fake;
  }

  /**
   * Answers one operation, named as 'POST /repos/{owner}/{repo}/issues/{issue_number}/comments'
   * or by operationId ('issues/create-comment'). A later handler wraps earlier ones: `next()`
   * runs the one registered before it.
   */
  on(operation: string, handler: FakeHandler): this {
    const { operationId } = findOperation(operation);
    this.handlers.set(operationId, [...(this.handlers.get(operationId) ?? []), handler]);
    return this;
  }

  /** The next `times` calls of the operation get `response`; later ones go to earlier handlers. */
  failNext(operation: string, response: FakeResponse, times = 1): this {
    let remaining = times;
    return this.on(operation, (_request, next) => (remaining-- > 0 ? response : next()));
  }

  /** The in-memory issue comment model, created and wired on first use. */
  issueComments(): IssueCommentStore {
    if (!this.commentStore) {
      this.commentStore = new IssueCommentStore(this.url);
      this.commentStore.register(this);
    }
    return this.commentStore;
  }

  callsTo(operation: string): RecordedCall[] {
    const { operationId } = findOperation(operation);
    return this.calls.filter((call) => call.operationId === operationId);
  }

  /** Returns the recorded violations and forgets them, for tests that provoke them on purpose. */
  takeViolations(): Violation[] {
    return this.violations.splice(0);
  }

  assertNoViolations(): void {
    if (this.violations.length === 0) return;
    const lines = this.violations.map(
      (v, i) =>
        `  ${i + 1}. [${v.kind}] ${v.method} ${v.url}` +
        `${v.operationId ? ` (${v.operationId})` : ''}\n     ${v.message}`,
    );
    throw new Error(
      `The fake GitHub API saw ${this.violations.length} request(s) or answer(s) that the real ` +
        `API would not accept or send:\n${lines.join('\n')}`,
    );
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', this.url);
    const text = await readBody(request);
    const call: RecordedCall = {
      method,
      path: url.pathname,
      url: url.pathname + url.search,
      params: {},
      query: {},
      body: text === '' ? undefined : tryJson(text),
      headers: request.headers,
      status: 0,
    };
    this.calls.push(call);
    let answer: FakeResponse;
    try {
      answer = await this.answer(request, url, text, call);
    } catch (thrown) {
      const rejection =
        thrown instanceof Rejection
          ? thrown
          : new Rejection(
              'handler-error',
              500,
              'Server Error',
              `handler threw: ${thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown)}`,
            );
      this.violations.push({
        kind: rejection.kind,
        method,
        url: call.url,
        operationId: call.operationId,
        message: rejection.detail,
      });
      answer = {
        status: rejection.status,
        body: {
          message: rejection.githubMessage,
          documentation_url: rejection.documentationUrl,
          status: String(rejection.status),
        },
      };
    }
    if ('dropConnection' in answer) {
      call.status = 'dropped';
      request.socket.destroy();
      return;
    }
    call.status = answer.status;
    const headers: Record<string, string> = {
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': `FAKE:${this.calls.length}`,
      ...answer.headers,
    };
    if (answer.body === undefined || answer.status === 204 || answer.status === 304) {
      response.writeHead(answer.status, headers).end();
      return;
    }
    headers['content-type'] ??= 'application/json; charset=utf-8';
    response.writeHead(answer.status, headers).end(JSON.stringify(answer.body));
  }

  private async answer(
    request: IncomingMessage,
    url: URL,
    text: string,
    call: RecordedCall,
  ): Promise<FakeResponse> {
    const api = loadApi();
    const matched = matchOperation(api, call.method, url.pathname);
    if (matched instanceof Rejection) throw matched;
    const { operation } = matched;
    call.route = operation.route;
    call.operationId = operation.operationId;
    call.params = matched.params;

    this.checkAuth(request.headers.authorization);
    const query = checkParameters(api, operation, 'query', parseQuery(url.searchParams));
    if (query instanceof Rejection) throw query;
    call.query = query;
    const body = checkBody(api, operation, text);

    const handlers = this.handlers.get(operation.operationId) ?? [];
    const fakeRequest: FakeRequest = {
      method: call.method,
      path: url.pathname,
      route: operation.route,
      operationId: operation.operationId,
      params: call.params,
      query,
      body,
      headers: request.headers,
    };
    const run = async (index: number): Promise<FakeResponse> => {
      const handler = handlers[index];
      if (!handler) {
        throw new Rejection(
          'unhandled',
          501,
          `fake GitHub: no handler for ${operation.operationId}`,
          `no handler answers ${operation.method.toUpperCase()} ${operation.route} ` +
            `(${operation.operationId}); register one with fake.on(...)`,
        );
      }
      return handler(fakeRequest, () => run(index - 1));
    };
    const answer = await run(handlers.length - 1);
    if (!('dropConnection' in answer) && this.options.validateResponses !== false) {
      this.checkResponse(api, operation, answer, call);
    }
    return answer;
  }

  private checkAuth(authorization: string | undefined): void {
    if (!authorization) {
      if (this.options.allowAnonymous) return;
      throw new Rejection(
        'auth',
        401,
        'Requires authentication',
        'no Authorization header (pass a token, or start the fake with allowAnonymous)',
      );
    }
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(authorization)?.[1];
    if (!token || (this.options.token !== undefined && token !== this.options.token)) {
      throw new Rejection('auth', 401, 'Bad credentials', `credentials not accepted`);
    }
  }

  private checkResponse(
    api: LoadedApi,
    operation: Operation,
    answer: { status: number; body?: unknown },
    call: RecordedCall,
  ): void {
    const problem = responseProblem(api, operation, answer);
    if (problem === undefined) return;
    this.violations.push({
      kind: 'response',
      method: call.method,
      url: call.url,
      operationId: operation.operationId,
      message: problem,
    });
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
