/**
 * After a failed deploy: the pods that are not ready, recent warnings and the failing containers'
 * log tails, read in each namespace the workloads live in (kubectl reads one namespace at a time,
 * and workloads of a deploy may live in several). Never throws: diagnostics only explain.
 */
import * as core from '@actions/core';
import { describeThrown } from '../core/errors.js';
import type { Kubectl } from '../core/kubectl.js';
import { escapeUntrusted } from '../core/log.js';
import { diagnose, type Diagnostics } from './diagnostics.js';
import type { WorkloadName } from './engine.js';
import { failingContainers, readPodLogs, type LogTarget } from './pod-logs.js';

/** Warnings kept in all, newest first, as one namespace alone would keep them. */
const EVENT_LIMIT = 20;

export async function diagnoseFailure(
  kubectl: Kubectl,
  workloads: readonly WorkloadName[],
  since: number,
): Promise<Diagnostics | undefined> {
  const groups = new Map<string | undefined, WorkloadName[]>();
  for (const workload of workloads) {
    const namespace = workload.namespace ?? kubectl.namespace;
    groups.set(namespace, [...(groups.get(namespace) ?? []), workload]);
  }
  const found: Diagnostics = { pods: [], events: [] };
  const targets: LogTarget[] = [];
  let read = false;
  for (const [namespace, group] of groups) {
    const scoped = kubectl.inNamespace(namespace);
    try {
      const [pods, events] = await Promise.all([
        scoped.json<unknown>(['get', 'pods']),
        scoped.json<unknown>(['get', 'events']),
      ]);
      const diagnostics = diagnose(pods, events, {
        objects: group.map((w) => w.name),
        sinceMs: Date.now() - since + 60_000,
      });
      const tag = namespace === undefined ? {} : { namespace };
      found.pods.push(...diagnostics.pods.map((pod) => ({ ...tag, ...pod })));
      found.events.push(...diagnostics.events.map((event) => ({ ...tag, ...event })));
      // The last lines of the failing containers usually say why.
      targets.push(
        ...failingContainers(
          pods,
          diagnostics.pods.map((pod) => pod.pod),
          namespace,
        ),
      );
      read = true;
    } catch (error) {
      const where = namespace === undefined ? '' : ` in namespace ${namespace}`;
      core.warning(
        escapeUntrusted(
          `Could not read pods and events${where} for diagnostics: ${describeThrown(error)}`,
        ),
      );
    }
  }
  if (!read) return undefined;
  found.events.sort((a, b) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? ''));
  found.events.splice(EVENT_LIMIT);
  // Each log says why it is missing, when it is.
  return { ...found, logs: await readPodLogs(kubectl, targets) };
}
