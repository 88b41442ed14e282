// @ts-check
/**
 * The environment the kubelet would give each container of a pod: `envFrom` ConfigMaps and
 * Secrets (with `prefix`) first, then `env` (literal values, configMapKeyRef, secretKeyRef,
 * a few fieldRefs, and `$(VAR)` references to variables defined before). A reference to a missing
 * ConfigMap, Secret or key that is not `optional: true` is a container config error with the
 * kubelet's wording, which keeps the container from being created.
 */

/**
 * @typedef {{ envs: Record<string, Record<string, string>>, errors: Map<string, string> }} PodEnv
 *   envs by container name; errors by container name (the first problem of each)
 */

class ConfigError extends Error {}

/**
 * @param {any} store an ObjectStore
 * @param {any} pod
 * @returns {PodEnv}
 */
export function resolvePodEnv(store, pod) {
  const namespace = pod.metadata.namespace;
  /** @type {PodEnv} */
  const result = { envs: {}, errors: new Map() };
  /** Each object is read once per resolution, as the kubelet caches it for one container start. */
  const cache = new Map();
  /** @param {'configmaps' | 'secrets'} resource @param {string} name */
  const read = (resource, name) => {
    const key = `${resource}/${name}`;
    if (!cache.has(key)) cache.set(key, dataOf(store.get(resource, namespace, name)));
    return cache.get(key);
  };
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  for (const container of containers) {
    try {
      result.envs[container.name] = containerEnv(container, pod, read);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      result.errors.set(container.name, error.message);
    }
  }
  return result;
}

/**
 * A ConfigMap's data, or a Secret's data decoded from base64 (stringData too, which the real API
 * server folds into data on write).
 * @param {any} object
 * @returns {Record<string, string> | undefined}
 */
function dataOf(object) {
  if (!object) return undefined;
  if (object.kind === 'Secret') {
    const decoded = Object.fromEntries(
      Object.entries(object.data ?? {}).map(([k, v]) => [
        k,
        Buffer.from(String(v), 'base64').toString('utf8'),
      ]),
    );
    return { ...decoded, ...(object.stringData ?? {}) };
  }
  return { ...(object.binaryData ?? {}), ...(object.data ?? {}) };
}

const WORDS = {
  configmaps: { lower: 'configmap', title: 'ConfigMap' },
  secrets: { lower: 'secret', title: 'Secret' },
};

/**
 * @param {any} container
 * @param {any} pod
 * @param {(resource: 'configmaps' | 'secrets', name: string) => Record<string, string> | undefined} read
 */
function containerEnv(container, pod, read) {
  /** @type {Record<string, string>} */
  const env = {};
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    if (!ref) continue;
    const resource = source.configMapRef ? 'configmaps' : 'secrets';
    const data = read(resource, ref.name);
    if (!data) {
      if (ref.optional === true) continue;
      throw new ConfigError(`${WORDS[resource].lower} "${ref.name}" not found`);
    }
    for (const [key, value] of Object.entries(data)) env[`${source.prefix ?? ''}${key}`] = value;
  }
  for (const variable of container.env ?? []) {
    const from = variable.valueFrom;
    if (!from) {
      env[variable.name] = expand(String(variable.value ?? ''), env);
      continue;
    }
    const ref = from.configMapKeyRef ?? from.secretKeyRef;
    if (ref) {
      const resource = from.configMapKeyRef ? 'configmaps' : 'secrets';
      const data = read(resource, ref.name);
      if (!data) {
        if (ref.optional === true) continue;
        throw new ConfigError(`${WORDS[resource].lower} "${ref.name}" not found`);
      }
      if (!Object.hasOwn(data, ref.key)) {
        if (ref.optional === true) continue;
        throw new ConfigError(
          `couldn't find key ${ref.key} in ${WORDS[resource].title} ${pod.metadata.namespace}/${ref.name}`,
        );
      }
      env[variable.name] = data[ref.key];
    } else if (from.fieldRef) {
      const value = fieldValue(pod, from.fieldRef.fieldPath);
      if (value !== undefined) env[variable.name] = value;
    }
  }
  return env;
}

/** @param {any} pod @param {string} path */
function fieldValue(pod, path) {
  const simple = {
    'metadata.name': pod.metadata.name,
    'metadata.namespace': pod.metadata.namespace,
    'metadata.uid': pod.metadata.uid,
    'spec.nodeName': pod.spec?.nodeName,
    'spec.serviceAccountName': pod.spec?.serviceAccountName,
  };
  if (Object.hasOwn(simple, path)) return simple[/** @type {keyof typeof simple} */ (path)];
  const labelOrAnnotation = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (labelOrAnnotation) return pod.metadata[labelOrAnnotation[1]]?.[labelOrAnnotation[2]];
  return undefined;
}

/**
 * `$(NAME)` becomes the value of a variable defined earlier; an unknown one stays as written,
 * and `$$` is a literal `$`, as the kubelet expands them.
 * @param {string} text @param {Record<string, string>} env
 */
function expand(text, env) {
  return text.replace(/\$\$|\$\(([^)]*)\)/g, (whole, name) => {
    if (whole === '$$') return '$';
    return Object.hasOwn(env, name) ? env[name] : whole;
  });
}
