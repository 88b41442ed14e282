/**
 * How the objects besides workloads were put back, in the summary and the verdict: one row per
 * object with its verification, so a reader sees the ConfigMap is back as it was, not only the
 * Deployment. Pure functions of the restore results.
 */
import type { ObjectRestoreResult } from '../core/kube-objects.js';
import { markup, type SummaryContent } from '../core/summary.js';

const OUTCOME_WORDS: Record<ObjectRestoreResult['outcome'], string> = {
  restored: 'restored',
  unchanged: 'unchanged',
  removed: 'removed',
  absent: 'not created',
  left: 'left in place',
  'not-recreated': 'removed, old Job not re-created',
  failed: 'failed',
};

export function objectName(result: ObjectRestoreResult): string {
  return result.namespace ? `${result.namespace}/${result.object}` : result.object;
}

/** The table of restored and removed objects, with a note when an old Job was not re-created. */
export function addRestoredObjects(
  content: SummaryContent,
  results: readonly ObjectRestoreResult[],
): void {
  if (results.length === 0) return;
  content.heading('Objects restored', 4);
  content.table(
    ['object', 'outcome', 'verified', 'detail'],
    results.map((result) => [
      markup.code(objectName(result)),
      OUTCOME_WORDS[result.outcome],
      result.verified ? '✅' : '❌',
      result.message,
    ]),
  );
  if (results.some((result) => result.outcome === 'not-recreated')) {
    content.note(
      'A Job this deploy replaced is not re-created: a Job runs when it is created, and running an old migration again can harm data. Run it yourself if you need it.',
    );
  }
}

/** "; restored ConfigMap/app; removed Service/new" — for the verdict line; empty when none. */
export function restoredClause(results: readonly ObjectRestoreResult[]): string {
  const named = (outcomes: readonly string[]) =>
    results.filter((result) => outcomes.includes(result.outcome)).map(objectName);
  const restored = named(['restored']);
  const removed = named(['removed', 'not-recreated']);
  const failed = named(['failed', 'left']);
  return [
    restored.length > 0 ? `restored ${list(restored)}` : '',
    removed.length > 0 ? `removed ${list(removed)}` : '',
    failed.length > 0 ? `NOT restored: ${list(failed)}` : '',
  ]
    .filter(Boolean)
    .map((part) => `; ${part}`)
    .join('');
}

function list(names: readonly string[]): string {
  return names.length <= 4
    ? names.join(', ')
    : `${names.slice(0, 3).join(', ')} and ${names.length - 3} more`;
}
