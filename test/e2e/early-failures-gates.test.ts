/**
 * Every failure reports, for the gates too: a step that fails before it reads anything (a bad
 * input, no report to read) still writes a verdict-first job summary and a failed `result`.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../../tools/actions.js';
import { runAction, type StepResult } from '../support/runner.js';
import { QUALITY_GATE, makeWorkspace } from './quality-gate-support.js';

const COVERAGE = join(REPO_ROOT, 'actions/coverage');

function expectReported(step: StepResult, says: RegExp, result: object): void {
  expect(step.exitCode).toBe(1);
  expect(step.summary).toMatch(/^<h3>❌ /);
  expect(step.summary).toMatch(says);
  expect(JSON.parse(step.outputs.result)).toMatchObject(result);
}

const FAILED_EARLY = { outcome: 'failed' };

it.each([
  [
    'a bad threshold',
    { reports: 'junit: junit.xml', 'max-errors': 'many' },
    /max-errors/,
    FAILED_EARLY,
  ],
  // A report that is not there fails its check: the gate's own summary and result say so.
  [
    'a report that is not there',
    { reports: 'junit: missing.xml' },
    /missing\.xml/,
    { passed: false },
  ],
])('quality-gate reports %s in its summary and result', async (_case, inputs, says, result) => {
  const run = await runAction(QUALITY_GATE, { workspace: await makeWorkspace(), inputs });
  expectReported(run.main, says, result);
});

it.each([
  ['a bad gate', { 'min-total': 'most' }, /min-total/],
  ['no report to read', {}, /No coverage report/],
])('coverage reports %s in its summary and result', async (_case, inputs, says) => {
  const run = await runAction(COVERAGE, { workspace: await makeWorkspace(), inputs });
  expectReported(run.main, says, FAILED_EARLY);
});
