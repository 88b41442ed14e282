// @ts-check
/**
 * Watch streams: newline-delimited JSON events over a chunked response, resumable from any
 * resourceVersion still in the (bounded) event history, with bookmarks and the WatchList
 * initial-events protocol.
 */
import { setInterval, setTimeout, clearTimeout } from 'node:timers';
import { matchesFields, matchesLabels } from './selectors.js';
import { apiVersionOf } from './resources.js';

/** @typedef {import('./store.js').ObjectStore} ObjectStore */
/** @typedef {import('./store.js').ChangeEvent} ChangeEvent */
/** @typedef {import('./resources.js').ResourceKind} ResourceKind */

/**
 * @typedef {object} WatchRequest
 * @property {ResourceKind} kind
 * @property {string | undefined} namespace
 * @property {import('./selectors.js').LabelRequirement[]} labels
 * @property {import('./selectors.js').FieldRequirement[]} fields
 * @property {string | undefined} resourceVersion
 * @property {boolean} bookmarks
 * @property {boolean} sendInitialEvents
 * @property {number | undefined} timeoutSeconds
 */

/** @param {ResourceKind} kind @param {any} object */
export function withTypeMeta(kind, object) {
  return { apiVersion: apiVersionOf(kind), kind: kind.kind, ...object };
}

export class WatchHub {
  /**
   * @param {ObjectStore} store
   * @param {{ historySize?: number, bookmarkIntervalMs?: number }} [options]
   */
  constructor(store, options = {}) {
    this.store = store;
    this.historySize = options.historySize ?? 5000;
    this.bookmarkIntervalMs = options.bookmarkIntervalMs ?? 3000;
    /** @type {{ rv: number, event: ChangeEvent }[]} */
    this.history = [];
    /** resourceVersions up to this one are no longer replayable */
    this.compactedThrough = Number(store.resourceVersion);
    /** @type {Set<import('node:http').ServerResponse>} */
    this.open = new Set();
    this.onChange = (/** @type {ChangeEvent} */ event) => {
      this.history.push({ rv: Number(event.object.metadata.resourceVersion), event });
      while (this.history.length > this.historySize) {
        const dropped = this.history.shift();
        if (dropped) this.compactedThrough = dropped.rv;
      }
    };
    store.on('change', this.onChange);
  }

  /** Forget all history, as an etcd compaction does; older resourceVersions then answer 410. */
  compact() {
    this.history = [];
    this.compactedThrough = Number(this.store.resourceVersion);
  }

  /** Cut every open watch connection without a clean end, like a dropped TCP connection. */
  dropAll() {
    for (const res of this.open) res.socket?.destroy();
    this.open.clear();
  }

  close() {
    this.store.off('change', this.onChange);
    for (const res of this.open) res.end();
    this.open.clear();
  }

  /**
   * @param {import('node:http').ServerResponse} res
   * @param {WatchRequest} request
   */
  serve(res, request) {
    const { kind } = request;
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
    });
    res.flushHeaders();
    /** @param {string} type @param {any} object */
    const send = (type, object) => res.write(`${JSON.stringify({ type, object })}\n`);
    /** @param {any} object */
    const matches = (object) =>
      (!kind.namespaced ||
        request.namespace === undefined ||
        object.metadata.namespace === request.namespace) &&
      matchesLabels(request.labels, object.metadata.labels) &&
      matchesFields(request.fields, object);
    /** @param {Record<string, string>} [annotations] */
    const bookmark = (annotations) =>
      send('BOOKMARK', {
        kind: kind.kind,
        apiVersion: apiVersionOf(kind),
        metadata: {
          resourceVersion: this.store.resourceVersion,
          ...(annotations ? { annotations } : {}),
        },
      });

    const rv = request.resourceVersion;
    const startFromState = request.sendInitialEvents || rv === undefined || rv === '' || rv === '0';
    if (!startFromState && !/^\d+$/.test(rv ?? '')) {
      send('ERROR', status(400, 'BadRequest', `invalid resource version "${rv}"`));
      res.end();
      return;
    }
    if (!startFromState && Number(rv) < this.compactedThrough) {
      send(
        'ERROR',
        status(410, 'Expired', `too old resource version: ${rv} (${this.compactedThrough + 1})`),
      );
      res.end();
      return;
    }
    if (startFromState) {
      for (const object of this.store.list(kind.resource, request.namespace)) {
        if (matches(object)) send('ADDED', withTypeMeta(kind, object));
      }
      if (request.sendInitialEvents) bookmark({ 'k8s.io/initial-events-end': 'true' });
    } else {
      for (const { rv: eventRv, event } of this.history) {
        if (eventRv > Number(rv) && event.resource === kind.resource && matches(event.object)) {
          send(event.type, withTypeMeta(kind, event.object));
        }
      }
    }

    this.open.add(res);
    const listener = (/** @type {ChangeEvent} */ event) => {
      if (event.resource === kind.resource && matches(event.object))
        send(event.type, withTypeMeta(kind, event.object));
    };
    this.store.on('change', listener);
    const timers = [
      request.bookmarks ? setInterval(() => bookmark(), this.bookmarkIntervalMs) : undefined,
      request.timeoutSeconds
        ? setTimeout(() => res.end(), request.timeoutSeconds * 1000)
        : undefined,
    ];
    const cleanup = () => {
      this.store.off('change', listener);
      for (const t of timers) if (t) clearTimeout(t);
      this.open.delete(res);
    };
    res.on('close', cleanup);
    res.on('finish', cleanup);
  }
}

/**
 * A Kubernetes Status object.
 * @param {number} code
 * @param {string} reason
 * @param {string} message
 * @param {Record<string, unknown>} [details]
 */
export function status(code, reason, message, details) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}
