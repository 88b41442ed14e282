/**
 * What a workload looked like before a deploy: enough to roll it back to exactly that revision and
 * to prove afterwards that it is running the same images again.
 */
import { createHash } from 'node:crypto';
import type { Kubectl } from '../core/kubectl.js';
import { workloadRef, type WorkloadKind } from '../core/manifests.js';
import { asMapping, type Mapping } from '../core/mapping.js';

export interface WorkloadName {
  kind: WorkloadKind;
  name: string;
  /** Where it lives, when the manifest or the namespace input says; else the context's. */
  namespace?: string;
  /** More than one namespace is involved: reports name it namespace/kind/name. */
  qualified?: boolean;
}

export interface WorkloadSnapshot extends WorkloadName {
  /** As reports name it: deployment/web, or shop/deployment/web when namespaces differ. */
  ref: string;
  exists: boolean;
  /** The rollout history number `rollout undo --to-revision` accepts; undefined when unknown. */
  revision: number | undefined;
  /** StatefulSets and DaemonSets: the ControllerRevision behind `revision`. */
  revisionName: string | undefined;
  /** Container name to image, init containers included (their names share one namespace). */
  images: Record<string, string>;
  replicas: number | undefined;
  /** Of the pod template as it was: a rollback is done when the live template hashes the same. */
  templateHash: string | undefined;
}

const DEPLOYMENT_REVISION = 'deployment.kubernetes.io/revision';

export async function snapshot(
  kubectl: Kubectl,
  workloads: readonly WorkloadName[],
): Promise<WorkloadSnapshot[]> {
  return Promise.all(workloads.map((workload) => snapshotOne(kubectl, workload)));
}

/** How reports and results name a workload; unique among the workloads of one step. */
export function reportRef(workload: WorkloadName): string {
  const ref = workloadRef(workload);
  return workload.qualified && workload.namespace ? `${workload.namespace}/${ref}` : ref;
}

async function snapshotOne(
  defaultKubectl: Kubectl,
  workload: WorkloadName,
): Promise<WorkloadSnapshot> {
  const kubectl = defaultKubectl.inNamespace(workload.namespace);
  const object = await getWorkload(kubectl, workloadRef(workload));
  const base = {
    kind: workload.kind,
    name: workload.name,
    ...(workload.namespace === undefined ? {} : { namespace: workload.namespace }),
    ...(workload.qualified ? { qualified: true } : {}),
    ref: reportRef(workload),
  };
  if (!object) {
    return {
      ...base,
      exists: false,
      revision: undefined,
      revisionName: undefined,
      images: {},
      replicas: undefined,
      templateHash: undefined,
    };
  }
  const { revision, revisionName } =
    workload.kind === 'Deployment'
      ? {
          revision: parseRevision(annotationsOf(object)[DEPLOYMENT_REVISION]),
          revisionName: undefined,
        }
      : await controllerRevision(kubectl, object, workload.kind);
  const spec = asMapping(object.spec);
  return {
    ...base,
    exists: true,
    revision,
    revisionName,
    images: imagesOf(object),
    replicas: typeof spec.replicas === 'number' ? spec.replicas : undefined,
    templateHash: templateHash(object),
  };
}

/** The live object, or undefined when it does not exist. */
export async function getWorkload(kubectl: Kubectl, ref: string): Promise<Mapping | undefined> {
  const { stdout } = await kubectl.run(['get', ref, '--ignore-not-found', '-o', 'json']);
  return stdout.trim() === '' ? undefined : asMapping(JSON.parse(stdout));
}

/** A digest of the workload's pod template, the same whatever order the API server gave its keys. */
export function templateHash(object: Mapping): string {
  return createHash('sha256')
    .update(canonicalJson(asMapping(object.spec).template ?? null))
    .digest('hex')
    .slice(0, 16);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    // A null field is an absent one to the API server (`kubectl rollout undo` sends
    // creationTimestamp: null in the template it restores).
    const entries = Object.entries(value as Mapping)
      .filter(([, item]) => item !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function imagesOf(object: Mapping): Record<string, string> {
  const podSpec = asMapping(asMapping(asMapping(object.spec).template).spec);
  const images: Record<string, string> = {};
  for (const list of [podSpec.initContainers, podSpec.containers]) {
    for (const entry of Array.isArray(list) ? list : []) {
      const container = asMapping(entry);
      if (typeof container.name === 'string' && typeof container.image === 'string') {
        images[container.name] = container.image;
      }
    }
  }
  return images;
}

interface RevisionInfo {
  revision: number | undefined;
  revisionName: string | undefined;
}

/**
 * StatefulSets name their update revision in status; DaemonSets do not, but their controller
 * renumbers the revision of the running template to the highest, so the highest is the current.
 */
async function controllerRevision(
  kubectl: Kubectl,
  object: Mapping,
  kind: WorkloadKind,
): Promise<RevisionInfo> {
  const uid = asMapping(object.metadata).uid;
  const list = await kubectl.json<{ items?: Mapping[] }>(['get', 'controllerrevisions']);
  const owned = (list.items ?? []).filter((item) => {
    const owners = asMapping(item.metadata).ownerReferences;
    return Array.isArray(owners) && owners.some((owner) => asMapping(owner).uid === uid);
  });
  const updateRevision = asMapping(object.status).updateRevision;
  const chosen =
    kind === 'StatefulSet' && typeof updateRevision === 'string'
      ? owned.find((item) => asMapping(item.metadata).name === updateRevision)
      : owned.reduce<Mapping | undefined>(
          (best, item) => (!best || Number(item.revision) > Number(best.revision) ? item : best),
          undefined,
        );
  if (!chosen) return { revision: undefined, revisionName: undefined };
  const name = asMapping(chosen.metadata).name;
  return {
    revision: typeof chosen.revision === 'number' ? chosen.revision : undefined,
    revisionName: typeof name === 'string' ? name : undefined,
  };
}

function annotationsOf(object: Mapping): Record<string, unknown> {
  return asMapping(asMapping(object.metadata).annotations);
}

function parseRevision(value: unknown): number | undefined {
  return typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : undefined;
}
