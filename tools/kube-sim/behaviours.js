// @ts-check
/**
 * The `behaviours:` list of the kube-sim config: how the fake kubelet treats pods by image and
 * environment. The first entry that matches any container of a pod wins. An entry matches a
 * container when its `image` glob matches the container's image and each of its `env` patterns
 * (`NAME=glob`, one or a list) matches the container's resolved environment; an entry may give
 * either or both.
 *
 * - `ready-after: 2s`: containers start and are ready that long after the kubelet sees the pod.
 * - `never-ready`, `crash-loop`, `pull-error`: as named, from `ready-after` (300ms) on.
 * - `restart-after: 4s` (with or without `ready-after`): containers become ready, and each time
 *   they have run that long they are OOMKilled and restarted after a short back-off, so a pod
 *   that passed its rollout restarts later on (a canary that fails under way).
 *
 * Pods with restartPolicy Never or OnFailure (Job pods) run to completion instead: see
 * kubelet-batch.js.
 */

/**
 * @typedef {'ready' | 'never-ready' | 'crash-loop' | 'pull-error' | 'restarts'} BehaviourKind
 * @typedef {{ image: string, env?: Record<string, string> }} ContainerFacts the image and the
 *   resolved environment of one container
 * @typedef {{ image?: string, env?: string[], kind: BehaviourKind, readyAfterMs: number, restartAfterMs?: number, matches: (container: ContainerFacts | string) => boolean }} Behaviour
 */

export const DEFAULT_READY_AFTER_MS = 300;

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Go-style durations ("300ms", "2s", "1m30s"); a bare number means milliseconds.
 * @param {unknown} value
 * @param {string} where
 */
export function parseDuration(value, where) {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string' && /^(\d+(?:\.\d+)?(ms|s|m|h))+$/.test(value.trim())) {
    let total = 0;
    for (const [, amount, unit] of value.trim().matchAll(DURATION_PART)) {
      total += Number(amount) * UNIT_MS[/** @type {keyof typeof UNIT_MS} */ (unit)];
    }
    return total;
  }
  throw new Error(
    `${where}: "${String(value)}" is not a duration; write e.g. "300ms", "2s" or "1m30s"`,
  );
}

/**
 * `*` matches any run of characters (slashes and colons included), `?` one character.
 * @param {string} glob
 */
export function globMatcher(glob) {
  const pattern = [...glob]
    .map((char) =>
      char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  const regex = new RegExp(`^${pattern}$`);
  return (/** @type {string} */ image) => regex.test(image);
}

const FLAGS = /** @type {const} */ (['never-ready', 'crash-loop', 'pull-error']);
const KNOWN_KEYS = new Set(['image', 'env', 'ready-after', 'restart-after', ...FLAGS]);

/**
 * @param {unknown} value the entry's `env`: "NAME=glob" or a list of them
 * @param {string} where
 * @returns {string[]}
 */
function parseEnvPatterns(value, where) {
  const list = typeof value === 'string' ? [value] : value;
  const valid = (/** @type {unknown} */ p) => typeof p === 'string' && /^[^=]+=/.test(p);
  if (!Array.isArray(list) || list.length === 0 || !list.every(valid)) {
    throw new Error(
      `${where}.env: must be "NAME=glob" (e.g. "DATABASE_URL=broken*") or a list of them`,
    );
  }
  return list;
}

/**
 * @param {string | undefined} image
 * @param {string[] | undefined} env
 * @returns {Behaviour['matches']}
 */
function containerMatcher(image, env) {
  const imageMatches = image === undefined ? () => true : globMatcher(image);
  const envMatchers = (env ?? []).map((pattern) => {
    const at = pattern.indexOf('=');
    const name = pattern.slice(0, at);
    const value = globMatcher(pattern.slice(at + 1));
    return (/** @type {Record<string, string>} */ vars) =>
      Object.hasOwn(vars, name) && value(vars[name]);
  });
  return (container) => {
    const facts = typeof container === 'string' ? { image: container } : container;
    const vars = facts.env ?? {};
    return imageMatches(facts.image) && envMatchers.every((matches) => matches(vars));
  };
}

/**
 * @param {unknown} list the parsed YAML value of `behaviours:` (undefined means none)
 * @returns {Behaviour[]}
 */
export function parseBehaviours(list) {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list))
    throw new Error('behaviours: must be a list of { image, env, ... } entries');
  return list.map((entry, index) => {
    const where = `behaviours[${index}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new Error(`${where}: must be a mapping such as { image: "nginx:*", ready-after: 2s }`);
    }
    const unknown = Object.keys(entry).filter((key) => !KNOWN_KEYS.has(key));
    if (unknown.length > 0) {
      throw new Error(
        `${where}: unknown key(s) ${unknown.join(', ')}; known: ${[...KNOWN_KEYS].join(', ')}`,
      );
    }
    const hasImage = entry.image !== undefined;
    if (
      hasImage ? typeof entry.image !== 'string' || entry.image === '' : entry.env === undefined
    ) {
      throw new Error(
        `${where}: "image" must be a glob such as "registry.example/app:*" (or give "env" instead)`,
      );
    }
    const env = entry.env === undefined ? undefined : parseEnvPatterns(entry.env, where);
    const selector = {
      ...(hasImage ? { image: /** @type {string} */ (entry.image) } : {}),
      ...(env ? { env } : {}),
      matches: containerMatcher(hasImage ? entry.image : undefined, env),
    };
    const flags = FLAGS.filter((flag) => entry[flag] === true);
    for (const flag of FLAGS) {
      if (entry[flag] !== undefined && typeof entry[flag] !== 'boolean') {
        throw new Error(`${where}: "${flag}" must be true or false`);
      }
    }
    const timed = ['ready-after', 'restart-after'].filter((key) => entry[key] !== undefined);
    if (flags.length > 1 || (flags.length === 1 && timed.length > 0)) {
      throw new Error(
        `${where}: choose one of ready-after (with or without restart-after), restart-after, ${FLAGS.join(', ')}`,
      );
    }
    const readyAfterMs =
      entry['ready-after'] === undefined
        ? DEFAULT_READY_AFTER_MS
        : parseDuration(entry['ready-after'], `${where}.ready-after`);
    if (entry['restart-after'] !== undefined) {
      const restartAfterMs = parseDuration(entry['restart-after'], `${where}.restart-after`);
      if (restartAfterMs <= 0) throw new Error(`${where}.restart-after: must be longer than 0`);
      return { ...selector, kind: /** @type {const} */ ('restarts'), readyAfterMs, restartAfterMs };
    }
    return { ...selector, kind: flags[0] ?? 'ready', readyAfterMs };
  });
}

/** @type {Behaviour} */
const DEFAULT_BEHAVIOUR = {
  image: '*',
  kind: 'ready',
  readyAfterMs: DEFAULT_READY_AFTER_MS,
  matches: () => true,
};

/**
 * @param {Behaviour[]} behaviours
 * @param {(ContainerFacts | string)[]} containers a pod's containers, or just their images
 */
export function behaviourFor(behaviours, containers) {
  return (
    behaviours.find((behaviour) => containers.some((c) => behaviour.matches(c))) ??
    DEFAULT_BEHAVIOUR
  );
}
