import type { AuditResults, ParsedReport, TestResults } from './model.js';
import { slowestOf } from './parsers/test-tally.js';

/** Reads several report files of one check (a glob may match many) as one report. */
export function mergeReports(reports: ParsedReport[]): ParsedReport {
  const tests = reports.flatMap((report) => (report.tests ? [report.tests] : []));
  const audits = reports.flatMap((report) => (report.audit ? [report.audit] : []));
  return {
    findings: reports.flatMap((report) => report.findings),
    ...(tests.length > 0 && { tests: mergeTests(tests) }),
    ...(audits.length > 0 && { audit: mergeAudits(audits) }),
  };
}

function mergeTests(results: TestResults[]): TestResults {
  const totals = { total: 0, passed: 0, failed: 0, skipped: 0, flaky: 0 };
  for (const { totals: part } of results) {
    for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += part[key];
  }
  return {
    totals,
    notable: results.flatMap((result) => result.notable),
    slowest: slowestOf(results.map((result) => result.slowest)),
  };
}

function mergeAudits(audits: AuditResults[]): AuditResults {
  const counts = { info: 0, low: 0, moderate: 0, high: 0, critical: 0 };
  for (const audit of audits) {
    for (const key of Object.keys(counts) as (keyof typeof counts)[])
      counts[key] += audit.counts[key];
  }
  return { counts, vulnerabilities: audits.flatMap((audit) => audit.vulnerabilities) };
}
