import { describe, expect, it } from 'vitest';
import { JobSummary } from '../../src/core/summary.js';
import { addJobs, jobLine, type JobResult } from '../../src/rollout/jobs-report.js';

const job = (overrides: Partial<JobResult>): JobResult => ({
  ref: 'job/migrate',
  namespace: undefined,
  outcome: 'completed',
  replaced: false,
  durationMs: 4_200,
  message: 'completed',
  logTail: undefined,
  ...overrides,
});

describe('jobs in the report', () => {
  it.each([
    [job({}), 'job/migrate completed in 4s'],
    [
      job({ replaced: true }),
      'job/migrate completed in 4s (created anew: its template changed or it had failed)',
    ],
    [
      job({
        outcome: 'unchanged',
        message: 'identical to the Job that already completed; left as it is',
      }),
      'job/migrate: identical to the Job that already completed; left as it is',
    ],
    [
      job({
        outcome: 'failed',
        message: 'BackoffLimitExceeded: Job has reached the specified backoff limit',
      }),
      'job/migrate failed: BackoffLimitExceeded: Job has reached the specified backoff limit',
    ],
  ])('%j reads %s', (result, line) => {
    expect(jobLine(result)).toBe(line);
  });

  it('gives each Job a row and a failed one its log tail, escaped', () => {
    const summary = new JobSummary().verdict('success', 'Deployed');
    addJobs(summary, [
      job({}),
      job({
        ref: 'job/seed',
        outcome: 'failed',
        message: 'BackoffLimitExceeded',
        logTail: 'seed: <b>boom</b>\nseed: error: run failed, exited with code 1',
      }),
    ]);
    const html = summary.render();
    expect(html).toContain('<code>job/migrate</code>');
    expect(html).toContain('✅ completed');
    expect(html).toContain('❌ failed');
    expect(html).toContain('Log tail of job/seed');
    expect(html).toContain('seed: &lt;b&gt;boom&lt;/b&gt;');
    expect(html).not.toContain('Log tail of job/migrate');
  });

  it('adds nothing without Jobs', () => {
    const summary = new JobSummary().verdict('success', 'Deployed');
    addJobs(summary, []);
    expect(summary.render()).not.toContain('Jobs');
  });
});
