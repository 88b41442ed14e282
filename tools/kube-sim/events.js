// @ts-check
/**
 * core/v1 Events written through the store the way client-go's event recorder does: one Event
 * per (object, reason, message, source); a repeat bumps `count` and `lastTimestamp`.
 */

/** @param {number} ms */
export function isoSeconds(ms) {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * @typedef {{ type?: 'Normal' | 'Warning', reason: string, message: string, component: string, host?: string, fieldPath?: string }} EventSpec
 * @typedef {{ record(object: any, event: EventSpec): void }} EventRecorder
 */

/**
 * @param {any} store
 * @param {() => number} now
 * @returns {EventRecorder}
 */
export function createEventRecorder(store, now) {
  /** @type {Map<string, string>} key -> event name */
  const names = new Map();
  let sequence = 0;

  return {
    record(object, { type = 'Normal', reason, message, component, host, fieldPath }) {
      const namespace = object.metadata.namespace ?? 'default';
      const key = [object.metadata.uid, fieldPath ?? '', reason, message, component].join('\u0000');
      const timestamp = isoSeconds(now());
      try {
        const knownName = names.get(key);
        const existing = knownName ? store.get('events', namespace, knownName) : undefined;
        if (existing) {
          existing.count = (existing.count ?? 1) + 1;
          existing.lastTimestamp = timestamp;
          store.update('events', existing);
          return;
        }
        // client-go names events "<object>.<unix nanoseconds in hex>".
        const nanos = BigInt(Math.floor(now())) * 1_000_000n + BigInt(sequence++ % 1_000_000);
        const name = `${object.metadata.name}.${nanos.toString(16)}`;
        store.create('events', {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name, namespace },
          involvedObject: {
            apiVersion: object.apiVersion,
            kind: object.kind,
            namespace,
            name: object.metadata.name,
            uid: object.metadata.uid,
            resourceVersion: object.metadata.resourceVersion,
            ...(fieldPath ? { fieldPath } : {}),
          },
          reason,
          message,
          source: host ? { component, host } : { component },
          firstTimestamp: timestamp,
          lastTimestamp: timestamp,
          count: 1,
          type,
          eventTime: null,
          reportingComponent: component,
          reportingInstance: host ?? '',
        });
        names.set(key, name);
      } catch {
        // Events are best effort, as in client-go: a vanished namespace must not stop a controller.
      }
    },
  };
}
