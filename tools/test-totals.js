// @ts-check
// Prints the closing line CI reads ("Tests: N passed, N failed, N skipped") from vitest's JSON report.
import { readFileSync } from 'node:fs';

/**
 * The fields of vitest's JSON report (Jest's format) that this script reads.
 * @typedef {object} VitestJsonReport
 * @property {boolean} success
 * @property {number} numPassedTests
 * @property {number} numFailedTests
 * @property {number} numPendingTests
 * @property {number} numTodoTests
 */

const [reportPath] = process.argv.slice(2);
if (!reportPath) {
  console.error('usage: node tools/test-totals.js REPORT.json');
  process.exit(2);
}
const report = /** @type {VitestJsonReport} */ (JSON.parse(readFileSync(reportPath, 'utf8')));
const skipped = report.numPendingTests + report.numTodoTests;
console.log(
  `Tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`,
);
process.exit(report.success && report.numFailedTests === 0 ? 0 : 1);
