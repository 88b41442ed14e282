import { homedir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import {
  canonicalRegistry,
  isRecord,
  maskCredentials,
  normaliseRegistryKey,
  readAuthFile,
  type AuthFile,
} from './auth-files.js';
import { helperAddress, runHelper, type HelperAnswer } from './credential-helpers.js';

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
    const address = helperAddress(host);
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
