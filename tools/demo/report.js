// @ts-check
/**
 * What the demo leaves behind: each action's job summary as <out>/<action>.md, all of them
 * rendered in <out>/summary.html (with mermaid.min.js beside it, which draws the page's Mermaid
 * blocks), result.json, and a compact report for the terminal.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { MERMAID_BUNDLE, MERMAID_SCRIPT, renderSummaryPage } from './summary-page.js';

/**
 * @typedef {object} DemoReport
 * @property {import('./scenarios.js').Scenario} scenario
 * @property {import('./pipeline.js').ActionRecord[]} records
 * @property {string[]} problems
 * @property {boolean} asExpected
 * @property {number} durationSeconds
 */

/** @param {DemoReport} report */
export function resultJson({ scenario, records, problems, asExpected, durationSeconds }) {
  const actions = Object.fromEntries(
    records.map((record) => [
      record.action,
      {
        outcome: record.outcome,
        verdict: record.verdict,
        jobSeconds: record.jobSeconds,
        ...(record.skippedBecause ? { skippedBecause: record.skippedBecause } : {}),
        ...record.details,
      },
    ]),
  );
  return { scenario: scenario.name, asExpected, problems, actions, durationSeconds };
}

/**
 * @param {string} out
 * @param {DemoReport} report
 */
export async function writeReport(out, report) {
  await mkdir(out, { recursive: true });
  for (const record of report.records) {
    const markdown =
      record.outcome === 'skipped'
        ? `Skipped: ${record.skippedBecause}\n`
        : record.summaries
            .map((summary) =>
              record.summaries.length > 1
                ? `<!-- step: ${summary.step} -->\n${summary.markdown}`
                : summary.markdown,
            )
            .join('\n---\n\n');
    await writeFile(join(out, `${record.action}.md`), markdown);
  }
  await writeFile(join(out, 'summary.html'), renderSummaryPage(report));
  // The page draws its Mermaid blocks with this copy of mermaid's browser bundle, beside it.
  await copyFile(MERMAID_BUNDLE, join(out, MERMAID_SCRIPT));
  await writeFile(join(out, 'result.json'), `${JSON.stringify(resultJson(report), null, 2)}\n`);
}

const MARKS = { success: '✔', failure: '✘', skipped: '–', cancelled: '⊘' };

/**
 * @param {import('./pipeline.js').ActionRecord} record
 */
export function progressLine(record) {
  const seconds = record.outcome === 'skipped' ? '' : `${record.jobSeconds.toFixed(1)}s`;
  // Digests in full are for the files; twelve hex digits tell images apart on a terminal.
  const verdict = record.verdict.replace(/(sha256:[0-9a-f]{12})[0-9a-f]{52}/g, '$1…');
  return `${MARKS[record.outcome]} ${record.action.padEnd(12)} ${record.outcome.padEnd(7)} ${seconds.padStart(6)}  ${verdict}`;
}

/**
 * @param {DemoReport} report
 * @param {string} out
 */
export function terminalReport(report, out) {
  const where = relative(process.cwd(), out) || '.';
  const canary = report.records.find((r) => r.action === 'canary');
  const lines = [
    '',
    `Slipway demo · ${report.scenario.name} · ${report.durationSeconds.toFixed(1)} s · ${
      report.asExpected ? 'the pipeline did what it should' : 'SOMETHING BEHAVED WRONGLY'
    }`,
    ...report.records.map((record) => `  ${progressLine(record)}`),
  ];
  if (canary && canary.outcome !== 'skipped') {
    const d = canary.details;
    const detection =
      typeof d.detectionSeconds === 'number' ? `, detected in ${d.detectionSeconds} s` : '';
    lines.push(
      `  canary: ${d.decision}${detection}; stable unchanged: ${d.stableUnchanged}; leftover canary objects: ${d.leftoverObjects}`,
    );
  }
  lines.push(...report.problems.map((problem) => `  problem: ${problem}`));
  lines.push(`  summaries: ${where}/<action>.md, ${where}/summary.html; ${where}/result.json`);
  return lines.join('\n');
}
