import { readFileSync } from 'node:fs';
import { describeThrown } from '../../core/errors.js';
import { escapeUntrusted } from '../../core/log.js';
import { registerSecret, registerSecretWithDerivations } from '../../core/secrets.js';

/**
 * Reading the files logins leave behind (docker's config.json, containers-auth.json(5)) into what
 * the credential store consults. Kept apart from the store because the formats have their own
 * rules (registry keys written as URLs, base64 `auth` values, `{}` entries for a credsStore) and
 * their own failure mode: a malformed entry is one warning naming the file, never a crash, since
 * a login by some other tool must not break this action.
 */

/** The name Docker Hub goes by in every registry key. */
export const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_ALIASES = new Set([DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io']);

/** `host[:port]` as registry keys name it: lowercase, and docker.io for every Docker Hub alias. */
export function canonicalRegistry(registry: string): string {
  const host = registry.trim().toLowerCase();
  return DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}

/**
 * A key of `auths` as containers-auth.json(5) reads it: `host[:port][/namespace/...]`, or a URL
 * (`https://host/v1/`, docker's form) whose path is ignored. Undefined for a key with no host.
 */
export function normaliseRegistryKey(key: string): { key: string; legacy: boolean } | undefined {
  let text = key.trim();
  const legacy = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  if (legacy) {
    text = text.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
    text = text.split('/')[0];
  }
  text = text.replace(/\/+$/, '');
  const slash = text.indexOf('/');
  const host = canonicalRegistry(slash === -1 ? text : text.slice(0, slash));
  if (host === '') return undefined;
  return { key: slash === -1 ? host : `${host}${text.slice(slash)}`, legacy };
}

export interface Entry {
  username: string;
  password: string;
  identityToken?: boolean;
  legacy: boolean;
}

export interface AuthFile {
  kind: 'containers' | 'docker';
  path: string;
  /** The file as parsed, for the merged file buildah gets. */
  raw: Record<string, unknown>;
  auths: Map<string, Entry>;
  credHelpers: Map<string, string>;
  credsStore?: string;
}

/** One file as the store uses it; undefined (after a warning or debug line) when unusable. */
export function readAuthFile(
  kind: AuthFile['kind'],
  path: string,
  warn: (message: string) => void,
  debug: (message: string) => void,
): AuthFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      debug(`No registry credentials in ${path}: the file does not exist.`);
    } else {
      warn(`Registry credentials in ${path} are ignored: the file cannot be read (${code}).`);
    }
    return undefined;
  }
  const problems: string[] = [];
  let raw: unknown;
  try {
    raw = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    warn(
      `Registry credentials in ${path} are ignored: it is not valid JSON (${describeThrown(error)}).`,
    );
    return undefined;
  }
  if (!isRecord(raw)) {
    warn(`Registry credentials in ${path} are ignored: it holds no JSON object.`);
    return undefined;
  }
  const file: AuthFile = { kind, path, raw, auths: new Map(), credHelpers: new Map() };

  if (raw.auths !== undefined && !isRecord(raw.auths)) problems.push("'auths' is not an object");
  for (const [key, value] of Object.entries(isRecord(raw.auths) ? raw.auths : {})) {
    const normalised = normaliseRegistryKey(key);
    const entry = normalised && parseEntry(value);
    if (typeof entry === 'string' || !normalised) {
      problems.push(`the entry '${escapeUntrusted(key)}' ${entry ?? 'names no registry'}`);
      continue;
    }
    if (!entry) continue;
    // A plain key beats a URL-style one that names the same registry.
    const existing = file.auths.get(normalised.key);
    if (!existing || (existing.legacy && !normalised.legacy)) {
      file.auths.set(normalised.key, { ...entry, legacy: normalised.legacy });
    }
  }

  if (raw.credHelpers !== undefined && !isRecord(raw.credHelpers)) {
    problems.push("'credHelpers' is not an object");
  }
  for (const [key, value] of Object.entries(isRecord(raw.credHelpers) ? raw.credHelpers : {})) {
    const normalised = normaliseRegistryKey(key);
    if (typeof value === 'string' && isHelperName(value) && normalised) {
      file.credHelpers.set(normalised.key, value);
    } else {
      problems.push(`credHelpers '${escapeUntrusted(key)}' does not name a helper program`);
    }
  }

  if (kind === 'docker' && raw.credsStore !== undefined && raw.credsStore !== '') {
    if (typeof raw.credsStore === 'string' && isHelperName(raw.credsStore)) {
      file.credsStore = raw.credsStore;
    } else problems.push("'credsStore' does not name a helper program");
  }

  if (problems.length > 0) {
    warn(
      `Some registry credentials in ${path} are ignored: ${problems.join('; ')}. The rest of the file is used.`,
    );
  }
  return file;
}

/**
 * One `auths` entry: undefined when it holds no credentials (docker writes `{}` for registries
 * whose credentials are in a credsStore), a problem text when it is malformed.
 */
function parseEntry(value: unknown): Omit<Entry, 'legacy'> | string | undefined {
  if (!isRecord(value)) return 'is not an object';
  let username = typeof value.username === 'string' ? value.username : '';
  let password = typeof value.password === 'string' ? value.password : '';
  if (typeof value.auth === 'string' && value.auth !== '') {
    const decoded = Buffer.from(value.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    // Base64 decoding never fails in Node: re-encode to tell garbage from a real value.
    const canonical = Buffer.from(decoded, 'utf8').toString('base64').replace(/=+$/, '');
    if (colon === -1 || canonical !== value.auth.trim().replace(/=+$/, '')) {
      return "has an 'auth' value that is not base64 of user:password";
    }
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
    registerSecret(value.auth);
  }
  const identityToken = typeof value.identitytoken === 'string' ? value.identitytoken : '';
  if (identityToken !== '') {
    maskCredentials(username, identityToken);
    return { username, password: identityToken, identityToken: true };
  }
  if (password === '') return undefined;
  maskCredentials(username, password);
  return { username, password };
}

/** Masks a password (and the base64 `user:password` form docker and Basic auth carry it in). */
export function maskCredentials(username: string, password: string): void {
  registerSecretWithDerivations(password);
  registerSecret(Buffer.from(`${username}:${password}`).toString('base64'));
}

function isHelperName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
