/**
 * What a rollout deploys, decided before the cluster is touched: the manifests (or a rendered
 * kustomization, or one container's image), split into what goes first (every object that is not a
 * workload, then the Jobs, which run to completion) and the workloads, each batch to be applied in
 * its own namespace.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as core from '@actions/core';
import { ownedTempDirectory } from '../core/credentials.js';
import { ActionError } from '../core/errors.js';
import type { GitHubContext } from '../core/github.js';
import { readManifestsOrKustomizations } from '../core/kustomize.js';
import { noticeRendered, readReleaseDocuments } from '../core/release-source.js';
import { escapeUntrusted } from '../core/log.js';
import {
  findWorkloads,
  objectRefs,
  renderManifests,
  substituteImages,
  WORKLOAD_KINDS,
  type ManifestDocument,
  type ObjectRef,
} from '../core/manifests.js';
import type { WorkloadName } from './engine.js';
import type { PlannedJob } from './jobs.js';
import type { Settings } from './inputs.js';
import { traceabilityPatch, withTraceability } from './traceability.js';

/** Manifests for one namespace (undefined: kubectl's default), in one file for `kubectl apply`. */
export interface ApplyBatch {
  namespace: string | undefined;
  file: string;
  /** The objects in the file, named as `objects` of the plan names them. */
  objects: ObjectRef[];
}

export type Plan =
  | {
      kind: 'apply';
      /** Applied before the Jobs run: every object that is neither a workload nor a Job. */
      setup: ApplyBatch[];
      jobs: PlannedJob[];
      /** Applied once the Jobs completed: the workloads (everything, when there are no Jobs). */
      rest: ApplyBatch[];
      workloads: WorkloadName[];
      /** Every object of the manifests, pre-deploy included, in the order they are applied. */
      objects: ObjectRef[];
    }
  | { kind: 'set-image'; workload: WorkloadName; ref: string; container: string; image: string };

export async function planDeploy(settings: Settings, github: GitHubContext): Promise<Plan> {
  if (settings.setImage) {
    const [kind, name] = settings.setImage.workload.split('/');
    const known = WORKLOAD_KINDS.find((candidate) => candidate.toLowerCase() === kind);
    if (!known) throw new ActionError(`Unknown workload kind in ${settings.setImage.workload}.`);
    return {
      kind: 'set-image',
      workload: { kind: known, name },
      ref: settings.setImage.workload,
      container: settings.setImage.container,
      image: settings.setImage.image,
    };
  }
  const { main, preDeploy } = await readSources(settings);
  const substitution = substituteImages([...preDeploy, ...main], settings.images);
  for (const name of substitution.unused) {
    core.warning(
      escapeUntrusted(
        `images: no container in the manifests uses ${name}, so it was not substituted.`,
      ),
    );
  }
  const documents = substitution.documents;
  const preDeployDocuments = new Set(documents.slice(0, preDeploy.length));
  const found = findWorkloads(documents);
  const stray = found.find((workload) => preDeployDocuments.has(workload.document));
  if (stray) {
    throw new ActionError(
      `pre-deploy holds ${stray.kind} ${stray.name} (${stray.document.file}); pre-deploy is for what must finish before the workloads change.`,
      'Move workloads to manifests (or the kustomization); keep Jobs and what they need in pre-deploy.',
    );
  }
  const patch = traceabilityPatch(github, [...new Set(substitution.changes.map((c) => c.to))]);
  const workloadDocuments = new Set(found.map((workload) => workload.document));
  const traced = documents.map((document) =>
    workloadDocuments.has(document)
      ? { ...document, object: withTraceability(document.object, patch) }
      : document,
  );
  const namespaceOf = (document: ManifestDocument): string | undefined => {
    const namespace = (document.object.metadata as { namespace?: unknown } | undefined)?.namespace;
    return typeof namespace === 'string' && namespace !== '' ? namespace : settings.namespace;
  };
  const isJob = (document: ManifestDocument) =>
    document.object.kind === 'Job' && String(document.object.apiVersion).startsWith('batch/');
  const jobDocuments = traced.filter(isJob);
  const namespaces = new Set(
    [...found.map((w) => w.document), ...jobDocuments].map((d) => namespaceOf(d) ?? ''),
  );
  const qualified = namespaces.size > 1;
  const workloads: WorkloadName[] = found.map(({ kind, name, document }) => ({
    kind,
    name,
    ...withNamespace(namespaceOf(document)),
    ...(qualified ? { qualified: true } : {}),
  }));
  const jobs: PlannedJob[] = jobDocuments.map((document) => {
    const name = String((document.object.metadata as { name?: unknown }).name);
    const namespace = namespaceOf(document);
    return {
      name,
      namespace,
      ref: qualified && namespace ? `${namespace}/job/${name}` : `job/${name}`,
      object: document.object,
    };
  });
  // The rendered manifests may hold Secret data: the post step removes the directory.
  const directory = ownedTempDirectory('manifests');
  const tracedWorkloads = new Set(
    traced.filter((_, index) => workloadDocuments.has(documents[index])),
  );
  const setupDocuments = traced.filter((d) => !isJob(d) && !tracedWorkloads.has(d));
  const ordered =
    jobs.length > 0 ? [...setupDocuments, ...jobDocuments, ...tracedWorkloads] : traced;
  return {
    kind: 'apply',
    setup:
      jobs.length > 0
        ? await writeBatches(directory, 'setup', setupDocuments, namespaceOf, settings.namespace)
        : [],
    jobs,
    rest: await writeBatches(
      directory,
      'manifests',
      jobs.length > 0 ? [...tracedWorkloads] : traced,
      namespaceOf,
      settings.namespace,
    ),
    workloads,
    objects: refsIn(ordered, settings.namespace),
  };
}

/** The objects of the documents, each in its own namespace or the namespace input. */
function refsIn(
  documents: readonly ManifestDocument[],
  namespace: string | undefined,
): ObjectRef[] {
  return objectRefs(documents).map((ref) => ({ ...ref, namespace: ref.namespace ?? namespace }));
}

function withNamespace(namespace: string | undefined): { namespace?: string } {
  return namespace === undefined ? {} : { namespace };
}

/** The documents of `manifests` or `kustomize`, and of `pre-deploy`; notices for what was rendered. */
async function readSources(
  settings: Settings,
): Promise<{ main: ManifestDocument[]; preDeploy: ManifestDocument[] }> {
  const cwd = process.env.GITHUB_WORKSPACE || process.cwd();
  // The same reader as the canary's, so manifests and kustomize mean the same objects in both.
  const main = await readReleaseDocuments(settings, cwd);
  let preDeploy: ManifestDocument[] = [];
  if (settings.preDeploy.length > 0) {
    const read = await readManifestsOrKustomizations(settings.preDeploy, cwd, 'pre-deploy');
    noticeRendered('pre-deploy', read.rendered);
    preDeploy = read.documents;
  }
  return { main, preDeploy };
}

/**
 * One file per namespace: kubectl refuses an object whose namespace differs from --namespace, so
 * each batch is applied with its own. Objects without one (cluster-scoped ones such as a
 * Namespace among them) go first, so a namespace the manifests create exists before its objects.
 */
async function writeBatches(
  directory: string,
  prefix: string,
  documents: readonly ManifestDocument[],
  namespaceOf: (document: ManifestDocument) => string | undefined,
  defaultNamespace: string | undefined,
): Promise<ApplyBatch[]> {
  const groups = new Map<string | undefined, ManifestDocument[]>();
  for (const document of documents) {
    const explicit = (document.object.metadata as { namespace?: unknown } | undefined)?.namespace;
    const key = typeof explicit === 'string' && explicit !== '' ? namespaceOf(document) : undefined;
    groups.set(key, [...(groups.get(key) ?? []), document]);
  }
  // Not sort(): it always puts undefined last, whatever the comparator says.
  const keys = [...groups.keys()];
  if (groups.has(undefined)) keys.unshift(...keys.splice(keys.indexOf(undefined), 1));
  const batches: ApplyBatch[] = [];
  for (const [index, namespace] of keys.entries()) {
    const file = join(directory, `${prefix}-${index}.yaml`);
    const group = groups.get(namespace) ?? [];
    await writeFile(file, await renderManifests(group));
    batches.push({ namespace, file, objects: refsIn(group, defaultNamespace) });
  }
  return batches;
}
