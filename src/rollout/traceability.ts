/**
 * Who deployed what: annotations on each workload and its pod template that lead back to the
 * workflow run, commit, ref and actor. `kubernetes.io/change-cause` is what `kubectl rollout
 * history` shows, so the same story is readable from the cluster without this action.
 */
import { workflowRunUrl, type GitHubContext } from '../core/github.js';

export const ANNOTATION_PREFIX = 'slipway';

export const ANNOTATIONS = {
  runUrl: `${ANNOTATION_PREFIX}/run-url`,
  commit: `${ANNOTATION_PREFIX}/commit`,
  ref: `${ANNOTATION_PREFIX}/ref`,
  actor: `${ANNOTATION_PREFIX}/actor`,
  changeCause: 'kubernetes.io/change-cause',
} as const;

export type Annotations = Record<string, string>;

/** A JSON merge patch (RFC 7386) for a Deployment, StatefulSet or DaemonSet. */
export interface TraceabilityPatch {
  metadata: { annotations: Annotations };
  spec: { template: { metadata: { annotations: Annotations } } };
}

/** Shared with canary, which links its notices to the run the same way. */
export const runUrl = workflowRunUrl;

/** The pod template's annotations; the workload carries these plus the change cause. */
export function podTemplateAnnotations(context: GitHubContext): Annotations {
  const annotations: Annotations = {
    [ANNOTATIONS.runUrl]: runUrl(context),
    [ANNOTATIONS.commit]: context.sha,
    [ANNOTATIONS.actor]: context.actor,
  };
  if (context.ref) annotations[ANNOTATIONS.ref] = context.ref;
  return annotations;
}

/** One line for `kubectl rollout history`, e.g. "v1.2.3 (3f2a9c1) by octocat: example/app:v2 — <run>". */
export function changeCause(context: GitHubContext, images: readonly string[] = []): string {
  const what = context.refName ?? context.sha.slice(0, 7);
  const commit = context.refName ? ` (${context.sha.slice(0, 7)})` : '';
  const shown = images.length > 0 ? `: ${images.join(', ')}` : '';
  return `${what}${commit} by ${context.actor}${shown} — ${runUrl(context)}`;
}

export function traceabilityPatch(
  context: GitHubContext,
  images: readonly string[] = [],
): TraceabilityPatch {
  const template = podTemplateAnnotations(context);
  return {
    metadata: {
      annotations: { ...template, [ANNOTATIONS.changeCause]: changeCause(context, images) },
    },
    spec: { template: { metadata: { annotations: template } } },
  };
}

/**
 * The patch merged into a manifest object, so that one apply both deploys and annotates: a
 * separate annotate afterwards would start a second rollout for the pod template change.
 */
export function withTraceability(
  object: Record<string, unknown>,
  patch: TraceabilityPatch,
): Record<string, unknown> {
  return mergePatch(object, patch as unknown as Record<string, unknown>);
}

function mergePatch(target: unknown, patch: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = isMapping(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else if (isMapping(value)) result[key] = mergePatch(result[key], value);
    else result[key] = value;
  }
  return result;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
