/**
 * Jobs in the rollout's report: one line per Job for the log and the verdict, a table row per Job
 * in the summary, and the log tail of a Job that failed.
 */
import { formatDuration } from '../core/duration.js';
import { markup, type SummaryContent } from '../core/summary.js';
import type { JobResult } from './jobs.js';

export type { JobResult };

/** completed in N s, or failed: reason. */
export function jobLine(result: JobResult): string {
  const replaced = result.replaced ? ' (created anew: its template changed or it had failed)' : '';
  if (result.outcome === 'completed') {
    return `${result.ref} completed in ${formatDuration(result.durationMs)}${replaced}`;
  }
  if (result.outcome === 'unchanged') return `${result.ref}: ${result.message}`;
  return `${result.ref} failed: ${result.message}${replaced}`;
}

export function addJobs(summary: SummaryContent, jobs: readonly JobResult[]): void {
  if (jobs.length === 0) return;
  summary.heading('Jobs, run before the workloads changed', 4);
  summary.table(
    ['job', 'outcome', 'detail'],
    jobs.map((job) => [
      markup.code(job.ref),
      job.outcome === 'failed' ? `❌ failed` : `✅ ${job.outcome}`,
      jobLine(job)
        .slice(job.ref.length)
        .replace(/^:?\s*/, ''),
    ]),
  );
  for (const job of jobs) {
    const tail = job.logTail;
    if (tail) summary.details(`Log tail of ${job.ref}`, (content) => content.code(tail));
  }
}
