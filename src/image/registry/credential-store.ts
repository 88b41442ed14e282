import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { describeThrown } from '../../core/errors.js';
import { execute, type ExecResult } from '../../core/exec.js';
import { escapeUntrusted } from '../../core/log.js';
import { registerSecret, registerSecretWithDerivations } from '../../core/secrets.js';

/**
 * Registry credentials for any registry, read where the tools a workflow logged in with left them:
 * docker/login-action writes docker's config.json ($DOCKER_CONFIG/config.json, else
 * ~/.docker/config.json), redhat-actions/podman-login writes a containers auth file
 * (containers-auth.json(5)). Both formats are one JSON object with `auths` (registry key -> entry)
 * and `credHelpers` (registry -> helper program); docker's file may also name one `credsStore` for
 * every registry.
 *
 * Precedence, first match wins:
 * 1. the action's own `registry`/`username`/`password` inputs (they override for their registry);
 * 2. the containers auth files, in containers/image's order: REGISTRY_AUTH_FILE (else
 *    ${XDG_RUNTIME_DIR}/containers/auth.json), then ${XDG_CONFIG_HOME:-~/.config}/containers/auth.json;
 * 3. docker's config.json.
 * This is the order buildah, podman and skopeo use (containers/image consults its auth files
 * first and docker's config last); the docker CLI reads only its config.json, so a registry that
 * has credentials in both places gets the containers ones here, as a buildah push would.
 *
 * Within one file: `credHelpers[host]`, then (docker's file) `credsStore`, then `auths` keys from
 * the most specific (`host/namespace/repo`) to the plain host. Keys written as URLs
 * (`https://index.docker.io/v1/`, docker's legacy form) name only their host. docker itself asks
 * only the store when a credsStore is set; `auths` still count here when the store has nothing
 * for the host, which finds a superset and breaks no login. The legacy ~/.dockercfg is not read.
 */

/** Credentials found for one registry (or one repository prefix of it). */
export interface StoredCredentials {
  username: string;
  /** The password; with identityToken set, the token instead. */
  password: string;
  /**
   * An OAuth2 refresh token (docker's `identitytoken`, or a helper's `<token>` user) rather than a
   * password. The builders use it; the registry client (Basic and token auth with a password)
   * cannot.
   */
  identityToken?: boolean;
  /** Where it was found, for logs and errors: never holds a secret. */
  source: string;
  /** The key that matched: `host[:port]` or `host[:port]/namespace/...`, Docker Hub as docker.io. */
  key: string;
}

export interface CredentialStoreOptions {
  env?: NodeJS.ProcessEnv;
  /** The action's own inputs. */
  inputs?: { registry: string; username: string; password: string };
  homeDir?: string;
  /** Each credential helper run may take this long. */
  helperTimeoutMs?: number;
  warn?: (message: string) => void;
  debug?: (message: string) => void;
}

/** The name Docker Hub goes by in every registry key. */
const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_ALIASES = new Set([DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io']);
/** The server address docker itself gives credential helpers for Docker Hub. */
const DOCKER_HUB_HELPER_ADDRESS = 'https://index.docker.io/v1/';
const DEFAULT_HELPER_TIMEOUT_MS = 30_000;
/** A helper's answer is a small JSON object; more is not credentials. */
const MAX_HELPER_OUTPUT = 64 * 1024;

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

interface Entry {
  username: string;
  password: string;
  identityToken?: boolean;
  legacy: boolean;
}

interface AuthFile {
  kind: 'containers' | 'docker';
  path: string;
  /** The file as parsed, for the merged file buildah gets. */
  raw: Record<string, unknown>;
  auths: Map<string, Entry>;
  credHelpers: Map<string, string>;
  credsStore?: string;
}

/** The files consulted, in order, without reading them. */
export function credentialFilePaths(
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): Array<{ kind: 'containers' | 'docker'; path: string }> {
  const runtimeDir = env.XDG_RUNTIME_DIR
    ? join(env.XDG_RUNTIME_DIR, 'containers')
    : // containers/image's fallback when XDG_RUNTIME_DIR is unset (rootful or rootless alike).
      join('/run/containers', String(process.getuid?.() ?? 0));
  const configHome = env.XDG_CONFIG_HOME || join(home, '.config');
  return [
    { kind: 'containers', path: env.REGISTRY_AUTH_FILE || join(runtimeDir, 'auth.json') },
    { kind: 'containers', path: join(configHome, 'containers', 'auth.json') },
    { kind: 'docker', path: join(env.DOCKER_CONFIG || join(home, '.docker'), 'config.json') },
  ];
}

/** Where credentials are looked for, as one sentence part for error messages. */
export function describeCredentialSearch(
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  const files = credentialFilePaths(env, home).map(({ path }) => path);
  return `the registry, username and password inputs, then ${files.join(', ')}`;
}

export class CredentialStore {
  private readonly helperAnswers = new Map<string, Promise<HelperAnswer>>();

  private constructor(
    private readonly files: AuthFile[],
    private readonly options: CredentialStoreOptions,
    /** The first containers auth file's path, whether or not it exists. */
    readonly primaryPath: string,
    /** Where credentials were looked for, for messages. */
    readonly searched: string,
  ) {}

  /**
   * Reads every file once. A missing file is normal (nobody logged in that way); a malformed one
   * is one warning naming it, and is skipped.
   */
  static load(options: CredentialStoreOptions = {}): CredentialStore {
    const env = options.env ?? process.env;
    const home = options.homeDir ?? homedir();
    const warn = options.warn ?? core.warning;
    const debug = options.debug ?? core.debug;
    if (options.inputs) maskCredentials(options.inputs.username, options.inputs.password);
    const paths = credentialFilePaths(env, home);
    const files: AuthFile[] = [];
    for (const { kind, path } of paths) {
      const file = readAuthFile(kind, path, warn, debug);
      if (file) files.push(file);
    }
    return new CredentialStore(files, options, paths[0].path, describeCredentialSearch(env, home));
  }

  /**
   * The credentials for `registry` (host[:port], any Docker Hub alias), and for `repository` on
   * it when given: a key naming a repository prefix beats the plain host within one file.
   */
  async lookup(registry: string, repository?: string): Promise<StoredCredentials | undefined> {
    const host = canonicalRegistry(registry);
    const inputs = this.options.inputs;
    if (inputs && canonicalRegistry(inputs.registry) === host) {
      return {
        username: inputs.username,
        password: inputs.password,
        source: 'the username and password inputs',
        key: host,
      };
    }
    const candidates = repositoryKeys(host, repository);
    for (const file of this.files) {
      const helper = file.credHelpers.get(host);
      if (helper) {
        const found = await this.fromHelper(helper, host, `credHelpers in ${file.path}`);
        if (found) return found;
      }
      if (file.credsStore) {
        const found = await this.fromHelper(file.credsStore, host, `credsStore in ${file.path}`);
        if (found) return found;
      }
      for (const key of candidates) {
        const entry = file.auths.get(key);
        if (!entry) continue;
        return {
          username: entry.username,
          password: entry.password,
          ...(entry.identityToken && { identityToken: true }),
          source: file.path,
          key,
        };
      }
    }
    return undefined;
  }

  /**
   * The content of an auth file for buildah (REGISTRY_AUTH_FILE): the first containers auth file
   * as it is (buildah reads that one first and this file takes its place), with `found` written
   * in. buildah still falls back to ~/.config/containers/auth.json and docker's config.json by
   * itself, so those need not be copied.
   */
  mergedAuthFile(found: readonly StoredCredentials[]): string {
    const primary = this.files.find((file) => file.path === this.primaryPath);
    const merged: Record<string, unknown> = primary ? structuredClone(primary.raw) : {};
    const auths = isRecord(merged.auths) ? merged.auths : {};
    const helpers = isRecord(merged.credHelpers) ? merged.credHelpers : undefined;
    for (const credentials of found) {
      const host = credentials.key.split('/')[0];
      // Within one file a helper beats `auths`; the credentials found here must win.
      if (helpers) {
        for (const name of Object.keys(helpers)) {
          if (normaliseRegistryKey(name)?.key === host) delete helpers[name];
        }
      }
      for (const name of Object.keys(auths)) {
        if (normaliseRegistryKey(name)?.key === credentials.key) delete auths[name];
      }
      auths[credentials.key] = credentials.identityToken
        ? {
            // docker's own form: the user name beside the token, an empty password.
            ...(credentials.username && {
              auth: Buffer.from(`${credentials.username}:`).toString('base64'),
            }),
            identitytoken: credentials.password,
          }
        : {
            auth: Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64'),
          };
    }
    merged.auths = auths;
    return `${JSON.stringify(merged, null, 2)}\n`;
  }

  private async fromHelper(
    helper: string,
    host: string,
    where: string,
  ): Promise<StoredCredentials | undefined> {
    const address = host === DOCKER_HUB ? DOCKER_HUB_HELPER_ADDRESS : host;
    const cacheKey = `${helper}\n${address}`;
    let answer = this.helperAnswers.get(cacheKey);
    if (!answer) {
      answer = runHelper(helper, address, this.options.helperTimeoutMs, this.options.env);
      this.helperAnswers.set(cacheKey, answer);
    }
    const result = await answer;
    const program = `docker-credential-${helper}`;
    if (result.kind === 'found') {
      return {
        // `<token>` is the helper protocol's marker, not a user name.
        username: result.identityToken ? '' : result.username,
        password: result.secret,
        ...(result.identityToken && { identityToken: true }),
        source: `${program} (${where})`,
        key: host,
      };
    }
    const say = result.kind === 'absent' ? this.debug : this.warn;
    say(`${program} (${where}) gave no credentials for ${host}: ${result.reason}`);
    return undefined;
  }

  private get warn(): (message: string) => void {
    return this.options.warn ?? core.warning;
  }

  private get debug(): (message: string) => void {
    return this.options.debug ?? core.debug;
  }
}

/** `host/a/b/c`, `host/a/b`, `host/a`, `host`: the most specific key first. */
function repositoryKeys(host: string, repository: string | undefined): string[] {
  const keys: string[] = [];
  const parts = (repository ?? '').split('/').filter((part) => part !== '');
  for (let length = parts.length; length > 0; length--) {
    keys.push(`${host}/${parts.slice(0, length).join('/')}`);
  }
  keys.push(host);
  return keys;
}

function readAuthFile(
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
function maskCredentials(username: string, password: string): void {
  registerSecretWithDerivations(password);
  registerSecret(Buffer.from(`${username}:${password}`).toString('base64'));
}

function isHelperName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type HelperAnswer =
  | { kind: 'found'; username: string; secret: string; identityToken: boolean }
  | { kind: 'absent' | 'failed'; reason: string };

/**
 * `docker-credential-<helper> get` with the server address on stdin, as docker runs it: an
 * argument array, no shell, a timeout. "credentials not found" is a normal answer; anything else
 * going wrong is a warning, and the search goes on.
 */
async function runHelper(
  helper: string,
  address: string,
  timeoutMs = DEFAULT_HELPER_TIMEOUT_MS,
  env?: NodeJS.ProcessEnv,
): Promise<HelperAnswer> {
  const program = `docker-credential-${helper}`;
  let result: ExecResult;
  try {
    result = await execute(program, ['get'], {
      stdin: address,
      timeoutMs,
      killGraceMs: 1_000,
      echo: false,
      okExitCodes: 'any',
      maxOutputBytes: MAX_HELPER_OUTPUT,
      ...(env && { env: env as Record<string, string | undefined>, inheritEnv: false }),
    });
  } catch (error) {
    const timedOut = (error as { result?: ExecResult }).result?.timedOut;
    return {
      kind: 'failed',
      reason: timedOut
        ? `it did not answer within ${timeoutMs / 1_000}s`
        : describeThrown(error).split('\n')[0],
    };
  }
  if (result.exitCode !== 0) {
    // The helper protocol's answer for an unknown server (docker-credential-helpers' message).
    const text = `${result.stderr}\n${result.stdout}`;
    if (/credentials not found/i.test(text)) return { kind: 'absent', reason: 'none stored' };
    // Only stderr: a helper's stdout might hold more than an error message.
    const last = result.stderr.trim().split('\n').slice(-1)[0] ?? '';
    return {
      kind: 'failed',
      reason: `it exited with code ${result.exitCode}${last ? `: ${escapeUntrusted(last)}` : ''}`,
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    return { kind: 'failed', reason: 'its answer is not JSON' };
  }
  if (!isRecord(parsed) || typeof parsed.Secret !== 'string' || parsed.Secret === '') {
    return { kind: 'failed', reason: 'its answer has no Secret' };
  }
  const username = typeof parsed.Username === 'string' ? parsed.Username : '';
  // A helper stores an identity token under the user name `<token>` (docker's convention).
  const identityToken = username === '<token>';
  maskCredentials(username, parsed.Secret);
  return { kind: 'found', username, secret: parsed.Secret, identityToken };
}
