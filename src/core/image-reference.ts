/**
 * Image references as Docker and the OCI distribution spec write them:
 * `[host[:port]/]repository[:tag][@algorithm:hex]`.
 *
 * Docker Hub short names are normalised the way `docker pull` reads them: `nginx`,
 * `library/nginx`, `docker.io/nginx` and `index.docker.io/library/nginx` all name
 * `library/nginx` on registry-1.docker.io, the host that actually serves the Hub's API.
 */

import { InputError } from './errors.js';

export interface ImageReference {
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** The host that serves Docker Hub's registry API. */
export const DOCKER_HUB_REGISTRY = 'registry-1.docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', DOCKER_HUB_REGISTRY]);

const EXAMPLE = 'ghcr.io/my-org/my-app:sha-1a2b3c4';

/**
 * Parses the value of an input that holds one image reference; a bad value is an InputError
 * naming the input, so the same reference gets the same answer in every action.
 */
export function parseImageReferenceInput(
  input: string,
  text: string,
  example: string = EXAMPLE,
): ImageReference {
  try {
    return parseReference(text);
  } catch (error) {
    if (error instanceof InvalidReferenceError) throw new InputError(input, error.problem, example);
    throw error;
  }
}

/**
 * Says what is wrong with a reference in words that read after "Input 'name' ", so the caller
 * can wrap it in an InputError that names the input: `new InputError(input, e.problem, e.example)`.
 */
export class InvalidReferenceError extends Error {
  readonly example = EXAMPLE;
  constructor(
    readonly text: string,
    readonly reason: string,
  ) {
    super(`'${text}' is not a valid image reference: ${reason}.`);
    this.name = 'InvalidReferenceError';
  }

  get problem(): string {
    return `has an invalid image reference '${this.text}': ${this.reason}.`;
  }
}

// The grammar of distribution's reference package and the OCI spec's repository name rule.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST_AND_PORT = new RegExp(
  `^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$`,
);
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):(.+)$/;
/** Algorithms we can verify, with the exact length of their lowercase hex encoding. */
export const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };
/** Docker's limit on a whole name, registry host included. */
const NAME_MAX_LENGTH = 255;

export function parseReference(text: string): ImageReference {
  const fail = (reason: string): never => {
    throw new InvalidReferenceError(text, reason);
  };
  const trimmed = text.trim();
  if (trimmed === '') fail('it is empty');
  if (/\s/.test(trimmed)) fail('it contains whitespace');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    fail('write it without a URL scheme such as https://');
  }

  let rest = trimmed;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    checkDigest(digest, fail);
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) {
      fail(
        tag === ''
          ? 'the tag after ":" is empty'
          : `tag '${tag}' must start with a letter, digit or "_" and contain only letters, digits, "_", "." and "-" (at most 128 characters)`,
      );
    }
  }

  if (rest.length > NAME_MAX_LENGTH) fail(`the name is longer than ${NAME_MAX_LENGTH} characters`);
  const { registry, repository } = splitRegistry(rest, fail);
  return { registry, repository, ...(tag !== undefined && { tag }), ...(digest && { digest }) };
}

function checkDigest(digest: string, fail: (reason: string) => never): void {
  const match = DIGEST.exec(digest);
  if (!match) fail(`digest '${digest}' must look like sha256:<64 hex digits>`);
  const [, algorithm, hex] = match as RegExpExecArray;
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (length === undefined) {
    fail(`digest algorithm '${algorithm}' is not supported (use sha256 or sha512)`);
  }
  if (hex.length !== length || !/^[a-f0-9]+$/.test(hex)) {
    fail(`a ${algorithm} digest has exactly ${length} lowercase hex digits, got '${hex}'`);
  }
}

function splitRegistry(
  name: string,
  fail: (reason: string) => never,
): { registry: string; repository: string } {
  if (name === '') fail('the repository name is missing');
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  // Docker's rule: the first component names a registry only if it could not be a path.
  const isHost =
    first !== '' &&
    (first.includes('.') || first.includes(':') || first === 'localhost' || /[A-Z]/.test(first));
  const host = isHost ? first : 'docker.io';
  let repository = isHost ? name.slice(slash + 1) : name;

  if (isHost && !HOST_AND_PORT.test(host)) fail(`'${host}' is not a valid registry host[:port]`);
  if (repository === '') fail('the repository name after the registry is missing');
  for (const component of repository.split('/')) {
    if (component === '')
      fail('the repository name has an empty path component ("//" or a trailing "/")');
    if (PATH_COMPONENT.test(component)) continue;
    if (PATH_COMPONENT.test(component.toLowerCase())) {
      fail(`repository names must be lowercase ('${repository.toLowerCase()}')`);
    }
    fail(
      `'${component}' is not a valid repository path component: use lowercase letters and digits, separated by ".", "_", "__" or "-"`,
    );
  }

  const registry = host.toLowerCase();
  if (DOCKER_HUB_ALIASES.has(registry)) {
    if (!repository.includes('/')) repository = `library/${repository}`;
    return { registry: DOCKER_HUB_REGISTRY, repository };
  }
  return { registry, repository };
}

/** The reference as users write it; Docker Hub is shown as docker.io, its documented name. */
export function formatReference(reference: ImageReference): string {
  const host = reference.registry === DOCKER_HUB_REGISTRY ? 'docker.io' : reference.registry;
  const tag = reference.tag === undefined ? '' : `:${reference.tag}`;
  const digest = reference.digest === undefined ? '' : `@${reference.digest}`;
  return `${host}/${reference.repository}${tag}${digest}`;
}

/** What the registry API addresses a manifest by: the digest when known, else the tag. */
export function manifestReference(reference: ImageReference): string | undefined {
  return reference.digest ?? reference.tag;
}

/**
 * Hosts reached over plain HTTP without being told: the loopback interface, where test and
 * CI-service registries run and nothing crosses a network. Docker treats 127.0.0.0/8 the same.
 */
export function isLoopbackRegistry(registry: string): boolean {
  const host = registry.startsWith('[')
    ? registry.slice(0, registry.indexOf(']') + 1)
    : registry.split(':')[0];
  return host === 'localhost' || host === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(host);
}
