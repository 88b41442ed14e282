// @ts-check
/**
 * The object store: what etcd plus the generic registry do in a real API server. Every read
 * returns a deep copy; every write bumps one global resourceVersion counter and emits 'change'.
 */
import { EventEmitter } from 'node:events';
import { randomUUID, randomBytes } from 'node:crypto';
import { kindByResource, qualifiedName } from './resources.js';
import { applyDefaults } from './defaults.js';
import { invalidMessage, prepareJobCreate, validateJob } from './job-api.js';

/** @type {<T>(value: T) => T} */
const deepCopy = globalThis.structuredClone;
import {
  parseLabelSelector,
  parseFieldSelector,
  matchesLabels,
  matchesFields,
  SelectorError,
} from './selectors.js';

export class StoreError extends Error {
  /**
   * @param {number} status HTTP status code
   * @param {string} reason Kubernetes StatusReason (NotFound, AlreadyExists, Conflict, Invalid, BadRequest)
   * @param {string} message
   * @param {{ name?: string, group?: string, kind?: string, causes?: object[] }} [details]
   */
  constructor(status, reason, message, details) {
    super(message);
    this.status = status;
    this.reason = reason;
    this.details = details;
  }
}

const BUILT_IN_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** @typedef {{ type: 'ADDED'|'MODIFIED'|'DELETED', resource: string, object: any }} ChangeEvent */

export class ObjectStore extends EventEmitter {
  constructor() {
    super();
    this.setMaxListeners(0);
    /** @type {Map<string, Map<string, any>>} */
    this.objects = new Map();
    this.revision = 0;
    /** @type {Map<string, string>} */
    this.logs = new Map();
    for (const name of BUILT_IN_NAMESPACES) {
      this.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    }
  }

  /** The newest resourceVersion handed out, as the API reports it on lists. */
  get resourceVersion() {
    return String(this.revision);
  }

  /** @param {string} resource */
  bucket(resource) {
    let bucket = this.objects.get(resource);
    if (!bucket) {
      bucket = new Map();
      this.objects.set(resource, bucket);
    }
    return bucket;
  }

  /** @param {string} resource */
  kind(resource) {
    const kind = kindByResource(resource);
    if (!kind)
      throw new StoreError(
        404,
        'NotFound',
        `the server could not find the requested resource (${resource})`,
      );
    return kind;
  }

  /**
   * @param {string} resource
   * @param {string | undefined} namespace
   * @param {string} name
   */
  key(resource, namespace, name) {
    return this.kind(resource).namespaced ? `${namespace ?? 'default'}/${name}` : name;
  }

  /**
   * @param {string} resource
   * @param {string | undefined} namespace
   * @param {string} name
   */
  get(resource, namespace, name) {
    const found = this.bucket(resource).get(this.key(resource, namespace, name));
    return found === undefined ? undefined : deepCopy(found);
  }

  /**
   * @param {string} resource
   * @param {string | undefined} namespace undefined lists all namespaces
   * @param {{ labelSelector?: string, fieldSelector?: string }} [selectors]
   */
  list(resource, namespace, selectors = {}) {
    let labels;
    let fields;
    try {
      labels = parseLabelSelector(selectors.labelSelector);
      fields = parseFieldSelector(selectors.fieldSelector);
    } catch (error) {
      if (error instanceof SelectorError) throw new StoreError(400, 'BadRequest', error.message);
      throw error;
    }
    const namespaced = this.kind(resource).namespaced;
    return [...this.bucket(resource).values()]
      .filter((o) => !namespaced || namespace === undefined || o.metadata.namespace === namespace)
      .filter((o) => matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o))
      .sort((a, b) => sortKey(a).localeCompare(sortKey(b)))
      .map((o) => deepCopy(o));
  }

  /**
   * With dryRun the checks and defaulting run and the would-be stored object is returned, but
   * nothing is stored, no resourceVersion is used up and no 'change' is emitted.
   * @param {string} resource @param {any} object @param {{ dryRun?: boolean }} [options]
   */
  create(resource, object, options = {}) {
    const kind = this.kind(resource);
    const stored = applyDefaults(resource, deepCopy(object));
    stored.metadata = stored.metadata ?? {};
    const meta = stored.metadata;
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomSuffix();
    if (!meta.name)
      throw new StoreError(
        422,
        'Invalid',
        `${kind.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
      );
    if (kind.namespaced) {
      meta.namespace = meta.namespace || 'default';
      if (!this.bucket('namespaces').has(meta.namespace)) {
        throw new StoreError(404, 'NotFound', `namespaces "${meta.namespace}" not found`, {
          name: meta.namespace,
          kind: 'namespaces',
        });
      }
    } else delete meta.namespace;
    const key = this.key(resource, meta.namespace, meta.name);
    if (this.bucket(resource).has(key)) {
      throw new StoreError(
        409,
        'AlreadyExists',
        `${qualifiedName(kind)} "${meta.name}" already exists`,
        {
          name: meta.name,
          group: kind.group,
          kind: kind.resource,
        },
      );
    }
    meta.uid = randomUUID();
    admit(kind, stored, undefined);
    if (options.dryRun) delete meta.resourceVersion;
    else meta.resourceVersion = this.nextRevision();
    if (stored.spec !== undefined) meta.generation = 1;
    else delete meta.generation;
    meta.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    delete meta.deletionTimestamp;
    if (options.dryRun) return stored;
    this.bucket(resource).set(key, stored);
    this.emitChange('ADDED', resource, stored);
    return deepCopy(stored);
  }

  /**
   * @param {string} resource
   * @param {any} object
   * @param {{ subresource?: 'status', dryRun?: boolean }} [options] dryRun: as for create; the
   *   answer keeps the current resourceVersion
   */
  update(resource, object, options = {}) {
    const kind = this.kind(resource);
    const meta = object?.metadata ?? {};
    const key = this.key(resource, meta.namespace, meta.name);
    const current = this.bucket(resource).get(key);
    if (!current) {
      throw new StoreError(404, 'NotFound', `${qualifiedName(kind)} "${meta.name}" not found`, {
        name: meta.name,
        group: kind.group,
        kind: kind.resource,
      });
    }
    if (meta.resourceVersion && meta.resourceVersion !== current.metadata.resourceVersion) {
      throw new StoreError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${qualifiedName(kind)} "${meta.name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name: meta.name, group: kind.group, kind: kind.resource },
      );
    }
    /** @type {any} */
    let next;
    if (options.subresource === 'status') {
      next = deepCopy(current);
      next.status = deepCopy(object.status);
    } else {
      next = applyDefaults(resource, deepCopy(object));
      next.metadata = {
        ...next.metadata,
        uid: current.metadata.uid,
        creationTimestamp: current.metadata.creationTimestamp,
        namespace: current.metadata.namespace,
        name: current.metadata.name,
      };
      if (!kind.namespaced) delete next.metadata.namespace;
      if (current.status !== undefined) next.status = deepCopy(current.status);
      else delete next.status;
      const generation = current.metadata.generation;
      if (generation !== undefined || next.spec !== undefined) {
        const changed = JSON.stringify(current.spec) !== JSON.stringify(next.spec);
        next.metadata.generation = (generation ?? 0) + (changed ? 1 : 0) || 1;
      }
      admit(kind, next, current);
    }
    if (options.dryRun) {
      next.metadata.resourceVersion = current.metadata.resourceVersion;
      return deepCopy(next);
    }
    next.metadata.resourceVersion = this.nextRevision();
    this.bucket(resource).set(key, next);
    this.emitChange('MODIFIED', resource, next);
    return deepCopy(next);
  }

  /**
   * @param {string} resource
   * @param {string | undefined} namespace
   * @param {string} name
   * @param {{ dryRun?: boolean }} [options] dryRun: answer with the object, remove nothing
   */
  delete(resource, namespace, name, options = {}) {
    const kind = this.kind(resource);
    const key = this.key(resource, namespace, name);
    const current = this.bucket(resource).get(key);
    if (!current) {
      throw new StoreError(404, 'NotFound', `${qualifiedName(kind)} "${name}" not found`, {
        name,
        group: kind.group,
        kind: kind.resource,
      });
    }
    if (options.dryRun) return deepCopy(current);
    this.bucket(resource).delete(key);
    if (resource === 'pods') this.logs.delete(key);
    // The real server bumps the resourceVersion on the final write before removal.
    current.metadata.resourceVersion = this.nextRevision();
    this.emitChange('DELETED', resource, current);
    this.collectGarbage(current.metadata.uid);
    if (resource === 'namespaces') this.deleteNamespaceContents(name);
    return deepCopy(current);
  }

  /** Background garbage collection: dependents go after their owner, recursively. @param {string} uid */
  collectGarbage(uid) {
    for (const [resource, bucket] of this.objects) {
      for (const object of [...bucket.values()]) {
        const owned = (object.metadata.ownerReferences ?? []).some(
          (/** @type {any} */ r) => r.uid === uid,
        );
        if (
          owned &&
          bucket.has(this.key(resource, object.metadata.namespace, object.metadata.name))
        ) {
          this.delete(resource, object.metadata.namespace, object.metadata.name);
        }
      }
    }
  }

  /** @param {string} namespace */
  deleteNamespaceContents(namespace) {
    for (const [resource, bucket] of this.objects) {
      if (!this.kind(resource).namespaced) continue;
      for (const object of [...bucket.values()]) {
        if (
          object.metadata.namespace === namespace &&
          bucket.has(`${namespace}/${object.metadata.name}`)
        ) {
          this.delete(resource, namespace, object.metadata.name);
        }
      }
    }
  }

  /** @param {string} namespace @param {string} name @param {string} text */
  setPodLog(namespace, name, text) {
    this.logs.set(`${namespace}/${name}`, text);
    this.emit('log', { namespace, name, text });
  }

  /** @param {string} namespace @param {string} name @param {string} line */
  appendPodLog(namespace, name, line) {
    const key = `${namespace}/${name}`;
    const text = `${line.replace(/\n$/, '')}\n`;
    this.logs.set(key, (this.logs.get(key) ?? '') + text);
    this.emit('log', { namespace, name, text });
  }

  /** @param {string} namespace @param {string} name */
  podLog(namespace, name) {
    return this.logs.get(`${namespace}/${name}`);
  }

  nextRevision() {
    this.revision += 1;
    return String(this.revision);
  }

  /** @param {ChangeEvent['type']} type @param {string} resource @param {any} object */
  emitChange(type, resource, object) {
    /** @type {ChangeEvent} */
    const event = { type, resource, object: deepCopy(object) };
    this.emit('change', event);
  }
}

/**
 * The kind-specific create preparation and validation of the API server's registry strategies
 * (only Jobs have any). A problem is a 422 Invalid with the field causes kubectl prints.
 * @param {import('./resources.js').ResourceKind} kind @param {any} object @param {any} current
 */
function admit(kind, object, current) {
  if (kind.resource !== 'jobs') return;
  if (!current) prepareJobCreate(object);
  const errors = validateJob(object, current);
  if (errors.length === 0) return;
  throw new StoreError(422, 'Invalid', invalidMessage(object, errors), {
    name: object.metadata.name,
    group: kind.group,
    kind: kind.kind,
    causes: errors,
  });
}

/** @param {any} o */
function sortKey(o) {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

function randomSuffix() {
  return [...randomBytes(5)].map((b) => NAME_ALPHABET[b % NAME_ALPHABET.length]).join('');
}
