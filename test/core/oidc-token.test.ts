import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpError } from '../../src/core/http.js';
import { requestOidcToken } from '../../src/core/oidc-token.js';
import { forgetSecretsForTesting, maskSecrets } from '../../src/core/secrets.js';

const servers: Server[] = [];

/** The runner's token service on a loopback port, answering each request with `answer`. */
async function tokenService(
  answer: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<{ env: NodeJS.ProcessEnv; requests: IncomingMessage[] }> {
  const requests: IncomingMessage[] = [];
  const server = createServer((request, response) => {
    requests.push(request);
    answer(request, response);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    requests,
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/_apis/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runtime-request-token',
    },
  };
}

function json(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

afterEach(async () => {
  forgetSecretsForTesting();
  await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
});

describe('requestOidcToken', () => {
  it('asks the runner for a token for the audience and masks it', async () => {
    const { env, requests } = await tokenService((_request, response) =>
      json(response, 200, { value: 'eyJhbGciOi.header-payload.signature-for-audience' }),
    );
    const token = await requestOidcToken('https://ingest.codecov.io', { env });
    expect(token).toBe('eyJhbGciOi.header-payload.signature-for-audience');
    const url = new URL(requests[0]!.url!, 'http://x');
    expect(url.pathname).toBe('/_apis/token');
    expect(url.searchParams.get('api-version')).toBe('2.0');
    expect(url.searchParams.get('audience')).toBe('https://ingest.codecov.io');
    expect(requests[0]!.headers.authorization).toBe('Bearer runtime-request-token');
    expect(maskSecrets(`token ${token} with runtime-request-token`)).toBe('token *** with ***');
  });

  it.each([
    ['ACTIONS_ID_TOKEN_REQUEST_URL', { ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runtime-request-token' }],
    ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:1/t' }],
  ])('names %s and the permission when the job has no id-token: write', async (name, env) => {
    await expect(requestOidcToken('aud', { env })).rejects.toThrow(
      `${name} is not set: the runner sets it only for jobs with \`permissions: id-token: write\``,
    );
  });

  it('fails on an answer without a token', async () => {
    const { env } = await tokenService((_request, response) => json(response, 200, { count: 0 }));
    await expect(requestOidcToken('aud', { env })).rejects.toThrow(/answered without a token/);
  });

  it('fails with the status when the service refuses the request token', async () => {
    const { env, requests } = await tokenService((_request, response) =>
      json(response, 401, { message: 'bad token' }),
    );
    const error = await requestOidcToken('https://ingest.codecov.example', { env }).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(401);
    // Neither the request token nor the audience shows in what the step would log.
    expect((error as HttpError).message).not.toMatch(/runtime-request-token|codecov\.example/);
    expect(requests).toHaveLength(1);
  });

  it('asks again after a 5xx of the token service', async () => {
    let hits = 0;
    const { env, requests } = await tokenService((_request, response) =>
      ++hits === 1
        ? json(response, 503, { message: 'try again' })
        : json(response, 200, { value: 'token-after-retry' }),
    );
    await expect(requestOidcToken('aud', { env })).resolves.toBe('token-after-retry');
    expect(requests).toHaveLength(2);
    expect(requests[1]!.headers.authorization).toBe('Bearer runtime-request-token');
  });
});
