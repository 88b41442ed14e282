import { setOutputs, setResultOutput } from '../core/outputs.js';
import { JobSummary, markup } from '../core/summary.js';
import type { PartialPushError } from './registry/push-plan.js';

/** Which tags moved and which did not, in `refs`, `result` and the summary, before failing. */
export async function reportPartialWrite(error: PartialPushError): Promise<void> {
  const kind = error.writer === 'merge' ? 'merged' : 'promoted';
  setOutputs({ digest: error.digest, refs: error.moved.join('\n'), promoted: 'false' });
  setResultOutput({
    kind,
    outcome: 'failed',
    error: error.message,
    digest: error.digest,
    refs: error.moved,
    moved: error.moved,
    notMoved: error.notMoved,
  });
  await new JobSummary()
    .verdict(
      'failure',
      `${error.writer === 'merge' ? 'Merge' : 'Promotion'} failed: ${error.moved.length} of ${error.moved.length + error.notMoved.length} tag(s) moved to ${error.digest}`,
    )
    .table(
      ['tag', 'moved'],
      [
        ...error.moved.map((ref) => [markup.code(ref), '✅ moved']),
        ...error.notMoved.map((ref) => [markup.code(ref), '❌ not moved']),
      ],
    )
    .paragraph(error.message)
    .write();
}
