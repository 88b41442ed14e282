/**
 * Putting back every object a step changed, not only its workloads: a failed deploy must not
 * leave a bad ConfigMap, Secret or Service behind, and must remove what it created.
 *
 * Before the change each object is read (`get --ignore-not-found`): one that existed is kept
 * without the fields the server sets, one that did not is marked as to be created by the step.
 * After the change the uid of each object is recorded, so a restore deletes an object only while
 * it is still the one this step created. Restoring never throws: each object gets its own
 * verified answer, retried through API faults until the recovery deadline.
 *
 * Snapshots may hold Secret data, so they stay in memory and in a 0600 file in a private
 * directory (for a post step to continue), never in the step state, logs or reports.
 */
import { randomUUID } from 'node:crypto';
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isOwnedTempDirectory, ownedTempDirectory } from './credentials.js';
import { ActionError, describeThrown } from './errors.js';
import { ExecError } from './exec.js';
import type { Kubectl } from './kubectl.js';
import { lastLine, untilRecovered } from './kube-recovery.js';
import {
  describeRef,
  differences,
  meaningful,
  mergePatch,
  resourceOf,
  uidOf,
  withoutServerFields,
} from './kube-object-content.js';
import type { ObjectRef } from './manifests.js';
import { asMapping, type Mapping } from './mapping.js';

export { describeRef, differences, mergePatch, resourceOf, withoutServerFields };

export interface ObjectSnapshot {
  ref: ObjectRef;
  /** The object as it was, less server-set fields; undefined when it did not exist. */
  previous: Mapping | undefined;
  /** Its uid before the step, when it existed. */
  previousUid: string | undefined;
  /** Its uid right after the step changed the cluster; undefined until recorded. */
  appliedUid?: string;
}

export type RestoreOutcome =
  'restored' | 'unchanged' | 'removed' | 'absent' | 'left' | 'not-recreated' | 'failed';

export interface ObjectRestoreResult {
  /** Kind/name, e.g. ConfigMap/app-config. */
  object: string;
  namespace: string | undefined;
  outcome: RestoreOutcome;
  /** Read back after the restore and found as expected (previous content, or absent). */
  verified: boolean;
  message: string;
}

/**
 * Jobs are never re-created: a Job runs when it is created, and running an old migration again
 * after a newer one may harm the data it migrated.
 */
const NOT_RECREATED_KINDS = new Set(['Job']);

const DELETE_POLL_MS = 300;

function scoped(kubectl: Kubectl, ref: ObjectRef): Kubectl {
  return ref.namespace ? kubectl.inNamespace(ref.namespace) : kubectl;
}

async function read(kubectl: Kubectl, ref: ObjectRef): Promise<Mapping | undefined> {
  return scoped(kubectl, ref).getIfExists<Mapping>(resourceOf(ref));
}

/** Reads each object before the change; an API fault is retried until `deadlineAt`. */
export async function snapshotObjects(
  kubectl: Kubectl,
  refs: readonly ObjectRef[],
  deadlineAt: number,
): Promise<ObjectSnapshot[]> {
  return mapLimited(refs, async (ref) => {
    const live = await untilRecovered(`Reading ${describeRef(ref)}`, () => read(kubectl, ref), {
      deadlineAt,
    });
    return {
      ref,
      previous: live ? withoutServerFields(live) : undefined,
      previousUid: live ? uidOf(live) : undefined,
    };
  });
}

/**
 * After the change: the uid each object has now, the proof of which object this step created or
 * replaced. An object that cannot be read keeps no uid and is then never deleted.
 */
export async function recordAppliedUids(
  kubectl: Kubectl,
  snapshots: ObjectSnapshot[],
  deadlineAt: number,
): Promise<void> {
  await mapLimited(snapshots, async (snapshot) => {
    try {
      const live = await untilRecovered(
        `Reading ${describeRef(snapshot.ref)}`,
        () => read(kubectl, snapshot.ref),
        { deadlineAt },
      );
      snapshot.appliedUid = live ? uidOf(live) : undefined;
    } catch {
      // Unknown ownership: the restore leaves such an object in place and says why.
    }
  });
}

/** A private 0600 file for the snapshots (they may hold Secret data); returns its path. */
export async function saveSnapshots(
  snapshots: readonly ObjectSnapshot[],
  path?: string,
): Promise<string> {
  const file = path ?? join(ownedTempDirectory('objects'), 'objects.json');
  await writeFile(file, JSON.stringify(snapshots), { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}

/** Reads what saveSnapshots wrote, only from a directory this suite owns. */
export async function loadSnapshots(path: string): Promise<ObjectSnapshot[]> {
  if (!isOwnedTempDirectory(dirname(path))) {
    throw new ActionError(
      `Not reading object snapshots from ${path}: only a file in a directory this step created is trusted.`,
    );
  }
  const parsed = JSON.parse(await readFile(path, 'utf8')) as unknown;
  if (!Array.isArray(parsed) || !parsed.every(isSnapshot)) {
    throw new ActionError(`The object snapshots in ${path} are not in the expected form.`);
  }
  return parsed;
}

function isSnapshot(value: unknown): value is ObjectSnapshot {
  const ref = asMapping(asMapping(value).ref);
  return typeof ref.kind === 'string' && typeof ref.name === 'string';
}

export interface RestoreOptions {
  /**
   * Runs once the objects that existed are back and before the created ones are removed: a
   * caller undoes its workloads here, so the pods the undo starts read the restored ConfigMaps and
   * Secrets, and nothing they still use is removed under them. It must not throw.
   */
  betweenPhases?: () => Promise<void>;
}

/**
 * Puts every snapshot object back: objects that existed get their previous content, then
 * objects this step created are deleted (only while they are still the ones it created). Each is
 * read back to verify. Never throws.
 */
export async function restoreObjects(
  kubectl: Kubectl,
  snapshots: readonly ObjectSnapshot[],
  deadlineAt: number,
  options: RestoreOptions = {},
): Promise<ObjectRestoreResult[]> {
  const bounded = kubectl.withDeadline(deadlineAt);
  const results = new Map<ObjectSnapshot, ObjectRestoreResult>();
  const phase = async (
    selected: readonly ObjectSnapshot[],
    work: (snapshot: ObjectSnapshot) => Promise<ObjectRestoreResult>,
  ) => {
    await mapLimited(selected, async (snapshot) =>
      results.set(snapshot, await guarded(snapshot, work)),
    );
  };
  // What existed goes back first, so nothing left points at an object about to be removed.
  await phase(
    snapshots.filter((snapshot) => snapshot.previous !== undefined),
    (snapshot) => restoreOne(bounded, snapshot, deadlineAt),
  );
  await options.betweenPhases?.();
  await phase(
    snapshots.filter((snapshot) => snapshot.previous === undefined),
    (snapshot) => removeCreated(bounded, snapshot, deadlineAt),
  );
  // Reported in the order the manifests list them.
  return snapshots.map((snapshot) => results.get(snapshot) as ObjectRestoreResult);
}

async function guarded(
  snapshot: ObjectSnapshot,
  work: (snapshot: ObjectSnapshot) => Promise<ObjectRestoreResult>,
): Promise<ObjectRestoreResult> {
  try {
    return await work(snapshot);
  } catch (error) {
    return result(snapshot, 'failed', false, redact(snapshot, lastLine(describeThrown(error))));
  }
}

async function restoreOne(
  kubectl: Kubectl,
  snapshot: ObjectSnapshot,
  deadlineAt: number,
): Promise<ObjectRestoreResult> {
  const previous = snapshot.previous as Mapping;
  const what = `Restoring ${describeRef(snapshot.ref)}`;
  const live = await untilRecovered(what, () => read(kubectl, snapshot.ref), { deadlineAt });
  const liveUid = live ? uidOf(live) : undefined;
  if (NOT_RECREATED_KINDS.has(snapshot.ref.kind) && liveUid !== snapshot.previousUid) {
    return replaceJob(kubectl, snapshot, live, deadlineAt);
  }
  if (live && differences(previous, live).length === 0) {
    return result(snapshot, 'unchanged', true, 'unchanged by this deploy');
  }
  await untilRecovered(what, () => writeBack(kubectl, snapshot, previous), { deadlineAt });
  const after = await untilRecovered(what, () => read(kubectl, snapshot.ref), { deadlineAt });
  if (!after) return result(snapshot, 'failed', false, 'it is gone after the restore');
  const left = differences(previous, after);
  if (left.length > 0) {
    return result(snapshot, 'failed', false, `restored, but ${left.join(', ')} still differ`);
  }
  return result(snapshot, 'restored', true, 'previous content restored and verified');
}

/**
 * Patches the meaningful fields back (or re-creates the object if it is gone); deletes and
 * creates it when a field cannot change in place. A JSON merge patch rather than `kubectl
 * replace`: replace and create rewrite the last-applied annotation, which must come back as it
 * was. The patch goes through stdin, as it may hold Secret data.
 */
async function writeBack(kubectl: Kubectl, snapshot: ObjectSnapshot, previous: Mapping) {
  const client = scoped(kubectl, snapshot.ref);
  let live = await read(kubectl, snapshot.ref);
  if (!live) {
    await client.run(['create', '-f', '-'], { stdin: JSON.stringify(previous) });
    live = await read(kubectl, snapshot.ref);
    if (!live) return;
  }
  try {
    await patchBack(client, snapshot.ref, live, previous);
  } catch (error) {
    if (!isImmutableRefusal(error)) throw error;
    await client.run(['delete', resourceOf(snapshot.ref), '--ignore-not-found', '--wait=true']);
    await client.run(['create', '-f', '-'], { stdin: JSON.stringify(previous) });
    const created = await read(kubectl, snapshot.ref);
    if (created) await patchBack(client, snapshot.ref, created, previous);
  }
}

async function patchBack(client: Kubectl, ref: ObjectRef, live: Mapping, previous: Mapping) {
  const patch = mergePatch(meaningful(live), meaningful(previous));
  if (patch === undefined) return;
  // The live resourceVersion: a concurrent change is a conflict, retried on a fresh read.
  asMapping((patch as Mapping).metadata ?? ((patch as Mapping).metadata = {})).resourceVersion =
    asMapping(live.metadata).resourceVersion;
  // A file, not an argument: the patch may hold Secret data, and arguments are visible to all.
  const file = join(privateDirectory(), `patch-${randomUUID()}.json`);
  await writeFile(file, JSON.stringify(patch), { mode: 0o600 });
  try {
    await client.run(['patch', resourceOf(ref), '--type', 'merge', '--patch-file', file]);
  } finally {
    await rm(file, { force: true });
  }
}

let patchDirectory: string | undefined;

/** Created once per process and removed by the post step with the other private files. */
function privateDirectory(): string {
  patchDirectory ??= ownedTempDirectory('restore');
  return patchDirectory;
}

/** Words the API server uses when an update touches a field that cannot change. */
function isImmutableRefusal(error: unknown): boolean {
  if (!(error instanceof ExecError)) return false;
  return /field is immutable|is immutable|updates to .* are forbidden|may not change once set/i.test(
    error.result.stderr,
  );
}

/**
 * A Job this step replaced (the old one deleted, a new one created): the new one is removed, the
 * old one is not re-created, since that would run an old migration again.
 */
async function replaceJob(
  kubectl: Kubectl,
  snapshot: ObjectSnapshot,
  live: Mapping | undefined,
  deadlineAt: number,
): Promise<ObjectRestoreResult> {
  const why = 'the Job it replaced is not re-created (re-running an old Job can harm data)';
  if (live && uidOf(live) === snapshot.appliedUid) {
    await deleteOwned(kubectl, snapshot, deadlineAt);
    return result(snapshot, 'not-recreated', true, `this deploy's Job was removed; ${why}`);
  }
  return result(
    snapshot,
    'not-recreated',
    true,
    live ? `a Job this deploy does not own is there now, left in place; ${why}` : why,
  );
}

async function removeCreated(
  kubectl: Kubectl,
  snapshot: ObjectSnapshot,
  deadlineAt: number,
): Promise<ObjectRestoreResult> {
  const what = `Removing ${describeRef(snapshot.ref)}`;
  const live = await untilRecovered(what, () => read(kubectl, snapshot.ref), { deadlineAt });
  if (!live) return result(snapshot, 'absent', true, 'not created, nothing to remove');
  if (snapshot.appliedUid === undefined) {
    return result(
      snapshot,
      'left',
      false,
      'it did not exist before, but which object this deploy created was never recorded, so it was left in place',
    );
  }
  if (uidOf(live) !== snapshot.appliedUid) {
    return result(
      snapshot,
      'left',
      false,
      'it was replaced by someone else after this deploy created it, so it was left in place',
    );
  }
  await deleteOwned(kubectl, snapshot, deadlineAt);
  return result(snapshot, 'removed', true, 'created by this deploy; removed and verified gone');
}

/** Deletes the object while its uid is the one recorded after the change, then waits it out. */
async function deleteOwned(
  kubectl: Kubectl,
  snapshot: ObjectSnapshot,
  deadlineAt: number,
): Promise<void> {
  const what = `Removing ${describeRef(snapshot.ref)}`;
  const client = scoped(kubectl, snapshot.ref);
  await untilRecovered(
    what,
    async () => {
      const live = await read(kubectl, snapshot.ref);
      if (!live || uidOf(live) !== snapshot.appliedUid) return;
      await client.run(['delete', resourceOf(snapshot.ref), '--ignore-not-found', '--wait=false']);
    },
    { deadlineAt },
  );
  // Finalizers may hold it for a while: it counts as removed once it can no longer be read.
  for (;;) {
    const live = await untilRecovered(what, () => read(kubectl, snapshot.ref), { deadlineAt });
    if (!live || uidOf(live) !== snapshot.appliedUid) return;
    if (Date.now() + DELETE_POLL_MS >= deadlineAt) {
      throw new ActionError('deleted, but it was still there at the recovery deadline');
    }
    await new Promise((resolve) => setTimeout(resolve, DELETE_POLL_MS));
  }
}

/** A kubectl message about a Secret may quote its values; they are cut out of any report. */
function redact(snapshot: ObjectSnapshot, text: string): string {
  if (snapshot.ref.kind !== 'Secret' || !snapshot.previous) return text;
  const values = Object.values(asMapping(snapshot.previous.data))
    .filter((value): value is string => typeof value === 'string' && value.length >= 4)
    .flatMap((value) => [value, Buffer.from(value, 'base64').toString('utf8')])
    .filter((value) => value.length >= 4)
    .sort((a, b) => b.length - a.length);
  return values.reduce((masked, value) => masked.split(value).join('***'), text);
}

function result(
  snapshot: ObjectSnapshot,
  outcome: RestoreOutcome,
  verified: boolean,
  message: string,
): ObjectRestoreResult {
  return {
    object: describeRef(snapshot.ref),
    namespace: snapshot.ref.namespace,
    outcome,
    verified,
    message,
  };
}

/** True when every object is as it was (or, for a replaced Job, as safe as it can be). */
export function allRestored(results: readonly ObjectRestoreResult[]): boolean {
  return results.every((entry) => entry.verified);
}

/** kubectl calls at once: enough to be quick, few enough not to swamp a two-core runner. */
const CONCURRENCY = 6;

async function mapLimited<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return results;
}
