import { execFile } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, randomUUID, sign } from 'node:crypto';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * A token service as distribution's token authentication spec describes it, for a real
 * docker-registry configured with `auth: token:`. It checks Basic credentials, grants the
 * intersection of the requested and the allowed actions, and signs ES256 JWTs whose header
 * carries the signing certificate (`x5c`) and its libtrust key ID (`kid`); the registry trusts
 * the certificate through its `rootcertbundle`.
 */

export interface TokenUser {
  username: string;
  password: string;
  /** Repository name (or '*') -> actions this user may be granted. */
  access: Record<string, string[]>;
}

export interface TokenRequestRecord {
  account?: string;
  scopes: string[];
  status: number;
  /** What the issued token granted, as `repository:name:actions`. */
  granted: string[];
}

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  /** PEM certificate for the registry's `rootcertbundle`. */
  certificatePath: string;
  requests: TokenRequestRecord[];
  stop(): Promise<void>;
}

export interface TokenServerOptions {
  /** Where the key and certificate are written. */
  dir: string;
  users: TokenUser[];
  /** What a request without credentials may be granted. */
  anonymous?: Record<string, string[]>;
  /** Seconds; omitted from the response when undefined, as GHCR does. */
  expiresIn?: number;
}

const run = promisify(execFile);

export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const keyPath = path.join(options.dir, 'token-signing-key.pem');
  const certificatePath = path.join(options.dir, 'token-signing-cert.pem');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-sha256',
    '-days',
    '2',
    '-subj',
    '/CN=slipway-test-token-issuer',
    '-keyout',
    keyPath,
    '-out',
    certificatePath,
  ]);
  const privateKey = createPrivateKey(await readFile(keyPath));
  const certificatePem = await readFile(certificatePath, 'utf8');
  const certificateDer = pemBody(certificatePem);
  const kid = libtrustKeyId(
    createPublicKey(certificatePem).export({ type: 'spki', format: 'der' }),
  );

  const service = 'slipway-test-registry';
  const issuer = 'slipway-test-token-server';
  const requests: TokenRequestRecord[] = [];

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://token.invalid');
    const scopes = url.searchParams.getAll('scope');
    const user = authenticate(request.headers.authorization, options.users);
    if (user === null || url.pathname !== '/token' || url.searchParams.get('service') !== service) {
      requests.push({ scopes, status: 401, granted: [] });
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ details: 'incorrect username or password' }));
      return;
    }
    const allowed = user?.access ?? options.anonymous ?? {};
    const access = scopes.flatMap((scope) => grant(scope, allowed));
    const now = Math.floor(Date.now() / 1000);
    const lifetime = options.expiresIn ?? 300;
    const claims = {
      iss: issuer,
      sub: user?.username ?? '',
      aud: service,
      exp: now + lifetime,
      nbf: now - 5,
      iat: now,
      jti: randomUUID(),
      access,
    };
    const header = { typ: 'JWT', alg: 'ES256', kid, x5c: [certificateDer] };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(signingInput), {
      key: privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    const token = `${signingInput}.${base64url(signature)}`;
    requests.push({
      account: user?.username,
      scopes,
      status: 200,
      granted: access.map((a) => `${a.type}:${a.name}:${a.actions.join(',')}`),
    });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        token,
        access_token: token,
        issued_at: new Date(now * 1000).toISOString(),
        ...(options.expiresIn !== undefined && { expires_in: options.expiresIn }),
      }),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certificatePath,
    requests,
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** undefined: anonymous; null: credentials that do not match. */
function authenticate(
  header: string | undefined,
  users: TokenUser[],
): TokenUser | undefined | null {
  if (!header) return undefined;
  const match = /^Basic\s+(.+)$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  return users.find((u) => u.username === username && u.password === password) ?? null;
}

function grant(
  scope: string,
  allowed: Record<string, string[]>,
): Array<{ type: string; name: string; actions: string[] }> {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first === -1 || last === first) return [];
  const type = scope.slice(0, first);
  const name = scope.slice(first + 1, last);
  const may = allowed[name] ?? allowed['*'] ?? [];
  const actions = scope
    .slice(last + 1)
    .split(',')
    .filter((action) => may.includes(action));
  return type === 'repository' && actions.length > 0 ? [{ type, name, actions }] : [];
}

/**
 * libtrust's key ID, which distribution compares `kid` against: the SHA-256 of the DER public
 * key, cut to 240 bits, base32 without padding, in twelve groups of four joined by ':'.
 */
export function libtrustKeyId(spkiDer: Buffer): string {
  const bytes = createHash('sha256').update(spkiDer).digest().subarray(0, 30);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const byte of bytes) bits += byte.toString(2).padStart(8, '0');
  let encoded = '';
  for (let i = 0; i < bits.length; i += 5) encoded += alphabet[parseInt(bits.slice(i, i + 5), 2)];
  return encoded.match(/.{4}/g)?.join(':') ?? encoded;
}

function pemBody(pem: string): string {
  return pem
    .replace(/-----(BEGIN|END) CERTIFICATE-----/g, '')
    .replace(/\s+/g, '')
    .trim();
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}
