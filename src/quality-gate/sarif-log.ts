/**
 * The gate's findings as a SARIF 2.1.0 log for GitHub code scanning. Pure: no I/O happens here.
 *
 * What code scanning does with a log shapes it:
 * - It files analyses in sets by ref, tool and category, and closes an alert when the next analysis
 *   of its set arrives without it. So every check that measures findings gets one run, even an
 *   empty one (that is how its fixed alerts close), in its own category
 *   `quality-gate/<name>/<check>/`, under a tool name that does not depend on what was found: the
 *   check's format. Since 2025-07 an upload whose runs share a category is rejected, and the
 *   step's `name` in the category keeps matrix legs from replacing each other's analyses.
 * - A check that was not evaluated (timeout, missing report, a tool that exited non-zero with an
 *   empty report) gets no run: an empty one would close all its alerts although nothing was
 *   checked. Test and audit reports get none either.
 * - Every result needs a location in the repository: findings without a file (a tool's summary
 *   line, a crashed command) or with a path outside the repository are left out and counted.
 * - At most 20 runs per upload, and GitHub keeps only the 5,000 most severe results of a run:
 *   we cut there ourselves, errors last, so what is kept is ours to say.
 * - At most 10 MB gzipped: results are cut, least severe first, until the log fits.
 * - Every finding of a check goes in, with new-only too: a finding on an unchanged line that is
 *   missing from the log would read as fixed and close its alert.
 * No partialFingerprints: GitHub computes them from the checked-out files on upload.
 */
import { isAbsolute } from 'node:path';
import { gzipSync } from 'node:zlib';
import { maskSecrets } from '../core/secrets.js';
import { keySlug } from '../core/step-name.js';
import type { CheckVerdict } from './gate.js';
import type { Finding, Severity } from './model.js';
import { groupDigits } from '../core/numbers.js';

export const SARIF_LIMITS = {
  runs: 20,
  /** GitHub rejects 25,000 and stores only the top 5,000 of a run. */
  resultsPerRun: 5_000,
  gzippedBytes: 10 * 1024 * 1024,
};
export type SarifLimits = typeof SARIF_LIMITS;

/** What the log needs to know of a judged check; a CheckVerdict is one. */
export type SarifCheck = Pick<CheckVerdict, 'name' | 'format' | 'evaluated'> & {
  measures: Pick<CheckVerdict['measures'], 'findings'>;
};

/** A finding with the name of the check that reported it. */
export type CheckFinding = Finding & { check: string };

const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const LEVELS: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', notice: 'note' };
const RANK: Record<Severity, number> = { error: 0, warning: 1, notice: 2 };

type SarifLevel = 'error' | 'warning' | 'note';

export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations: Array<{
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId: '%SRCROOT%' };
      region: { startLine: number; endLine?: number; startColumn?: number; endColumn?: number };
    };
  }>;
}

export interface SarifRun {
  tool: {
    driver: {
      name: string;
      rules: Array<{ id: string; shortDescription: { text: string }; helpUri?: string }>;
    };
  };
  automationDetails: { id: string };
  results: SarifResult[];
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: SarifRun[];
}

export interface BuiltSarif {
  log: SarifLog;
  /** The log as uploaded: gzipped JSON. */
  gzipped: Buffer;
  results: number;
  /** What was left out or cut, and why, one sentence each. */
  notes: string[];
}

/** The category prefix of every run: `quality-gate/<name>/`, or `quality-gate/` without a name. */
export function categoryOf(name: string | undefined): string {
  return name ? `quality-gate/${name}/` : 'quality-gate/';
}

/**
 * A check's category, the same on every run so its next analysis replaces the last one. Names that
 * are not category-safe (spaces, slashes, `checkstyle: lint.xml`) get a hash of the name, so two
 * names that slug alike never share a category.
 */
export function runCategory(name: string | undefined, check: string): string {
  return `${categoryOf(name)}${keySlug(check)}/`;
}

interface PlannedRun {
  check: SarifCheck;
  findings: Finding[];
}

/**
 * Builds the log from the judged checks and all their findings (each naming its check), within
 * GitHub's limits.
 */
export function buildSarif(
  checks: readonly SarifCheck[],
  findings: readonly CheckFinding[],
  name: string | undefined,
  limits: SarifLimits = SARIF_LIMITS,
): BuiltSarif {
  const notes: string[] = [];
  const unevaluated = checks.filter((check) => check.measures.findings && !check.evaluated);
  if (unevaluated.length > 0) {
    const one = unevaluated.length === 1;
    notes.push(
      `${count(unevaluated.length, 'check')} (${names(unevaluated)}) could not be evaluated and ${one ? 'has' : 'have'} no run in the SARIF, so ${one ? 'its' : 'their'} code scanning alerts stay as they were.`,
    );
  }

  const runs = new Map<string, PlannedRun>();
  for (const check of checks) {
    if (check.measures.findings && check.evaluated) runs.set(check.name, { check, findings: [] });
  }
  let unlocated = 0;
  for (const finding of findings) {
    const run = runs.get(finding.check);
    if (run === undefined) continue;
    if (uriOf(finding.file) === undefined) unlocated += 1;
    else run.findings.push(finding);
  }
  if (unlocated > 0) {
    notes.push(
      `${count(unlocated, 'finding')} without a file in the repository ${unlocated === 1 ? 'is' : 'are'} not in the SARIF: code scanning needs a location for every result.`,
    );
  }

  // Most severe checks first, so the runs that would go over GitHub's limit are the mildest.
  const ordered = [...runs.values()].sort((a, b) => compareChecks(a.findings, b.findings));
  const cut = ordered.slice(limits.runs);
  if (cut.length > 0) {
    const lost = cut.reduce((sum, run) => sum + run.findings.length, 0);
    notes.push(
      `${count(cut.length, 'check')} (${names(cut.map((run) => run.check))}) with ${count(lost, 'finding')} ${cut.length === 1 ? 'is' : 'are'} not in the SARIF: code scanning takes at most ${limits.runs} runs per upload.`,
    );
  }

  let perRun = ordered.slice(0, limits.runs).map((run) => {
    const sorted = [...run.findings].sort(bySeverity);
    const over = sorted.length - limits.resultsPerRun;
    if (over > 0) {
      notes.push(
        `${count(over, 'finding')} of ${run.check.name} ${over === 1 ? 'is' : 'are'} not in the SARIF: code scanning keeps the ${groupDigits(limits.resultsPerRun)} most severe results of a check.`,
      );
    }
    return { check: run.check, findings: sorted.slice(0, limits.resultsPerRun) };
  });

  const render = () =>
    ({
      $schema: SCHEMA,
      version: '2.1.0',
      runs: perRun.map((run) =>
        toRun(run.check.format, runCategory(name, run.check.name), run.findings),
      ),
    }) satisfies SarifLog;
  let log: SarifLog = render();
  let gzipped = gzipSync(JSON.stringify(log));
  const before = total(perRun);
  // Cut the least severe results across all runs until the gzipped log fits; a few rounds at most.
  while (gzipped.length > limits.gzippedBytes && total(perRun) > 0) {
    const keep = Math.floor((total(perRun) * limits.gzippedBytes * 0.9) / gzipped.length);
    perRun = keepMostSevere(perRun, keep);
    log = render();
    gzipped = gzipSync(JSON.stringify(log));
  }
  const after = total(perRun);
  if (after < before) {
    notes.push(
      `${count(before - after, 'finding')} of the least severe ${before - after === 1 ? 'is' : 'are'} not in the SARIF: code scanning takes at most ${limits.gzippedBytes / 1024 / 1024} MB gzipped.`,
    );
  }
  return { log, gzipped, results: after, notes };
}

function toRun(tool: string, category: string, findings: Finding[]): SarifRun {
  const rules: SarifRun['tool']['driver']['rules'] = [];
  const ruleIndex = new Map<string, number>();
  const results = findings.map((finding): SarifResult => {
    // A result needs a rule to be tracked as one alert across analyses; tools without rule ids
    // (rustfmt) report under the tool's own name.
    const id = finding.rule || finding.source || tool;
    let index = ruleIndex.get(id);
    if (index === undefined) {
      index = rules.length;
      ruleIndex.set(id, index);
      rules.push({ id, shortDescription: { text: maskSecrets(id) } });
    }
    const rule = rules[index];
    // Parsers keep only http(s) rule links (reportLinkOrUndefined), so ruleUrl is one.
    if (rule.helpUri === undefined && finding.ruleUrl) rule.helpUri = finding.ruleUrl;
    return {
      ruleId: id,
      ruleIndex: index,
      level: LEVELS[finding.severity],
      message: { text: maskSecrets(finding.message.trim() || id) },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: uriOf(finding.file) as string, uriBaseId: '%SRCROOT%' },
            region: regionOf(finding),
          },
        },
      ],
    };
  });
  return { tool: { driver: { name: tool, rules } }, automationDetails: { id: category }, results };
}

/**
 * SARIF regions are 1-based with an exclusive end column, as the tools' reports we read are.
 * A finding on a whole file points at its first line: code scanning needs a start line.
 */
function regionOf(
  finding: Finding,
): SarifResult['locations'][number]['physicalLocation']['region'] {
  const startLine = finding.line ?? 1;
  const region: ReturnType<typeof regionOf> = { startLine };
  const endLine =
    finding.endLine !== undefined && finding.endLine >= startLine ? finding.endLine : undefined;
  if (endLine !== undefined) region.endLine = endLine;
  if (finding.line !== undefined && finding.column !== undefined) {
    region.startColumn = finding.column;
    const sameLine = (endLine ?? startLine) === startLine;
    if (finding.endColumn !== undefined && (!sameLine || finding.endColumn >= finding.column)) {
      region.endColumn = finding.endColumn;
    }
  }
  return region;
}

/** A repository-relative URI reference, or undefined for no file or one outside the repository. */
function uriOf(file: string | undefined): string | undefined {
  if (!file) return undefined;
  const path = file.replace(/\\/g, '/').replace(/^\.\//, '');
  if (isAbsolute(path) || /^[A-Za-z]:\//.test(path) || path === '..' || path.startsWith('../')) {
    return undefined;
  }
  // encodeURI leaves '?' and '#', which would end the path of a URI.
  return encodeURI(path).replace(/[?#]/g, (char) => encodeURIComponent(char));
}

function compareChecks(a: Finding[], b: Finding[]): number {
  const errors = (list: Finding[]) => list.filter((finding) => finding.severity === 'error').length;
  return errors(b) - errors(a) || b.length - a.length;
}

function bySeverity(a: Finding, b: Finding): number {
  return RANK[a.severity] - RANK[b.severity];
}

type PerRun = PlannedRun[];

function total(perRun: PerRun): number {
  return perRun.reduce((sum, run) => sum + run.findings.length, 0);
}

/** Keeps the `keep` most severe findings over all runs; each run's list is already sorted. */
function keepMostSevere(perRun: PerRun, keep: number): PerRun {
  const all = perRun.flatMap((run, runIndex) =>
    run.findings.map((finding, order) => ({ finding, runIndex, order })),
  );
  all.sort(
    (a, b) => bySeverity(a.finding, b.finding) || a.order - b.order || a.runIndex - b.runIndex,
  );
  const kept = new Set(all.slice(0, Math.max(0, keep)).map((entry) => entry.finding));
  return perRun.map((run) => ({
    check: run.check,
    findings: run.findings.filter((finding) => kept.has(finding)),
  }));
}

function names(checks: readonly SarifCheck[]): string {
  return checks.map((check) => check.name).join(', ');
}

export function count(n: number, noun: string): string {
  return `${groupDigits(n)} ${noun}${n === 1 ? '' : 's'}`;
}
