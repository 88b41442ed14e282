/**
 * A GitHub Actions OIDC token (a JWT) for one audience, fetched from the runner's token service
 * the way @actions/core's getIDToken does: GET ACTIONS_ID_TOKEN_REQUEST_URL with `audience` added,
 * ACTIONS_ID_TOKEN_REQUEST_TOKEN as the bearer, `{ "value": <token> }` back.
 *
 * Our own request rather than getIDToken: referencing getIDToken keeps @actions/http-client and
 * undici (~430 KB) in a bundle, evaluated at every start of every step although only an upload
 * with OIDC ever needs them; this goes through core/http.ts on node:http(s).
 */
import { httpRequest } from './http.js';
import { registerSecret } from './secrets.js';

/** Set by the runner only when the job has `permissions: id-token: write`. */
const REQUEST_URL = 'ACTIONS_ID_TOKEN_REQUEST_URL';
const REQUEST_TOKEN = 'ACTIONS_ID_TOKEN_REQUEST_TOKEN';

export interface OidcTokenOptions {
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** The token, registered as a secret before it is returned. Throws when it cannot be had. */
export async function requestOidcToken(
  audience: string,
  { env = process.env, signal }: OidcTokenOptions = {},
): Promise<string> {
  const requestUrl = env[REQUEST_URL];
  const requestToken = env[REQUEST_TOKEN];
  if (!requestUrl || !requestToken) {
    throw new Error(
      `${!requestUrl ? REQUEST_URL : REQUEST_TOKEN} is not set: the runner sets it only for jobs ` +
        'with `permissions: id-token: write`',
    );
  }
  registerSecret(requestToken);
  const url = new URL(requestUrl);
  url.searchParams.set('audience', audience);
  const response = await httpRequest({
    url,
    headers: { authorization: `Bearer ${requestToken}`, accept: 'application/json' },
    signal,
  });
  const body = response.json<{ value?: unknown }>();
  const token = typeof body === 'object' && body !== null ? body.value : undefined;
  if (typeof token !== 'string' || token === '') {
    throw new Error(`the token service at ${url.origin} answered without a token`);
  }
  registerSecret(token);
  return token;
}
