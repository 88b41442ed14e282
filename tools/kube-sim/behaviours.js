// @ts-check
/**
 * The `behaviours:` list of the kube-sim config: how the fake kubelet treats pods by image.
 * The first entry whose `image` glob matches any container image of a pod wins.
 *
 * - `ready-after: 2s`: containers start and are ready that long after the kubelet sees the pod.
 * - `never-ready`, `crash-loop`, `pull-error`: as named, from `ready-after` (300ms) on.
 * - `restart-after: 4s` (with or without `ready-after`): containers become ready, and each time
 *   they have run that long they are OOMKilled and restarted after a short back-off, so a pod
 *   that passed its rollout restarts later on (a canary that fails under way).
 */

/**
 * @typedef {'ready' | 'never-ready' | 'crash-loop' | 'pull-error' | 'restarts'} BehaviourKind
 * @typedef {{ image: string, kind: BehaviourKind, readyAfterMs: number, restartAfterMs?: number, matches: (image: string) => boolean }} Behaviour
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
const KNOWN_KEYS = new Set(['image', 'ready-after', 'restart-after', ...FLAGS]);

/**
 * @param {unknown} list the parsed YAML value of `behaviours:` (undefined means none)
 * @returns {Behaviour[]}
 */
export function parseBehaviours(list) {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new Error('behaviours: must be a list of { image, ... } entries');
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
    if (typeof entry.image !== 'string' || entry.image === '') {
      throw new Error(`${where}: "image" must be a glob such as "registry.example/app:*"`);
    }
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
      return {
        image: entry.image,
        kind: /** @type {const} */ ('restarts'),
        readyAfterMs,
        restartAfterMs,
        matches: globMatcher(entry.image),
      };
    }
    return {
      image: entry.image,
      kind: flags[0] ?? 'ready',
      readyAfterMs,
      matches: globMatcher(entry.image),
    };
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
 * @param {string[]} images
 */
export function behaviourFor(behaviours, images) {
  return (
    behaviours.find((behaviour) => images.some((image) => behaviour.matches(image))) ??
    DEFAULT_BEHAVIOUR
  );
}
