import * as cvssModule from 'ae-cvss-calculator';
import {
  ReportError,
  type AuditResults,
  type AuditSeverity,
  type Finding,
  type ParseContext,
  type ParsedReport,
  type Vulnerability,
} from '../model.js';
import {
  arrayOrEmpty,
  isObject,
  objectOrUndefined,
  readJsonReport,
  shapeProblem,
  stringOrUndefined,
  type JsonObject,
} from '../../core/reports/json.js';
import type { ReportSource } from '../../core/reports/source.js';
import { capText } from '../../core/reports/text.js';

/**
 * `cargo audit --json` (the rustsec `Report`): each entry of vulnerabilities.list is a
 * vulnerability, its severity computed from the advisory's CVSS vector; informational warnings
 * (unmaintained, unsound, yanked, notice) become notices on Cargo.lock, since the report has no
 * source locations.
 */
export async function parseCargoAudit(
  source: ReportSource,
  _context: ParseContext,
): Promise<ParsedReport> {
  const report = await readJsonReport(source, 'cargo audit');
  const list = isObject(report) ? objectOrUndefined(report.vulnerabilities)?.list : undefined;
  if (!isObject(report) || !Array.isArray(list)) {
    throw new ReportError(
      source.origin,
      'is not `cargo audit --json` output: there is no "vulnerabilities.list" array.',
    );
  }

  const problem = shapeErrors(report, list);
  if (problem !== undefined) {
    throw new ReportError(
      source.origin,
      `is not \`cargo audit --json\` output: ${problem}, as cargo audit writes it.`,
    );
  }

  const vulnerabilities = list.filter(isObject).map(toVulnerability);
  const counts: AuditResults['counts'] = { info: 0, low: 0, moderate: 0, high: 0, critical: 0 };
  for (const vulnerability of vulnerabilities) counts[vulnerability.severity] += 1;

  const findings: Finding[] = [];
  const warnings = objectOrUndefined(report.warnings) ?? {};
  for (const [kind, entries] of Object.entries(warnings)) {
    for (const warning of arrayOrEmpty(entries).filter(isObject)) {
      findings.push(warningFinding(stringOrUndefined(warning.kind) ?? kind, warning));
    }
  }
  return { findings, audit: { counts, vulnerabilities } };
}

/** The first field this parser reads that has the wrong type, with where it is. */
function shapeErrors(report: JsonObject, list: unknown[]): string | undefined {
  for (const [index, entry] of list.entries()) {
    const problem = entryProblem(entry, `vulnerabilities.list[${index}]`);
    if (problem !== undefined) return problem;
  }
  const warnings = report.warnings;
  const problem = shapeProblem(warnings, 'object', 'warnings');
  if (problem !== undefined || !isObject(warnings)) return problem;
  for (const [kind, entries] of Object.entries(warnings)) {
    const where = `warnings[${JSON.stringify(kind)}]`;
    const listProblem = shapeProblem(entries, 'array', where);
    if (listProblem !== undefined) return listProblem;
    for (const [index, warning] of arrayOrEmpty(entries).entries()) {
      const warningProblem =
        entryProblem(warning, `${where}[${index}]`) ??
        shapeProblem((warning as JsonObject).kind, 'string', `${where}[${index}].kind`);
      if (warningProblem !== undefined) return warningProblem;
    }
  }
  return undefined;
}

/** A vulnerability or warning: an object with an optional advisory and package. */
function entryProblem(entry: unknown, where: string): string | undefined {
  if (!isObject(entry)) return `${where} must be an object`;
  const { advisory, package: pkg } = entry;
  return (
    shapeProblem(advisory, 'object', `${where}.advisory`) ??
    shapeProblem(pkg, 'object', `${where}.package`) ??
    (isObject(advisory)
      ? (shapeProblem(advisory.id, 'string', `${where}.advisory.id`) ??
        shapeProblem(advisory.title, 'string', `${where}.advisory.title`) ??
        shapeProblem(advisory.url, 'string', `${where}.advisory.url`) ??
        shapeProblem(advisory.package, 'string', `${where}.advisory.package`) ??
        shapeProblem(advisory.cvss, 'string', `${where}.advisory.cvss`))
      : undefined) ??
    (isObject(pkg)
      ? (shapeProblem(pkg.name, 'string', `${where}.package.name`) ??
        shapeProblem(pkg.version, 'string', `${where}.package.version`))
      : undefined)
  );
}

function toVulnerability(entry: JsonObject): Vulnerability {
  const advisory = objectOrUndefined(entry.advisory) ?? {};
  const pkg = objectOrUndefined(entry.package) ?? {};
  const id = stringOrUndefined(advisory.id) ?? 'unknown advisory';
  const name =
    stringOrUndefined(pkg.name) ?? stringOrUndefined(advisory.package) ?? 'unknown crate';
  const version = stringOrUndefined(pkg.version);
  const url = stringOrUndefined(advisory.url) ?? advisoryPage(id);
  return {
    id,
    package: name,
    ...(version !== undefined && { version }),
    severity: severityFromCvss(advisory.cvss),
    title: capText(stringOrUndefined(advisory.title) ?? id),
    ...(url !== undefined && { url }),
  };
}

function advisoryPage(id: string): string | undefined {
  return /^RUSTSEC-\d{4}-\d{4}$/.test(id) ? `https://rustsec.org/advisories/${id}.html` : undefined;
}

/**
 * The qualitative rating of the CVSS base score (FIRST's v3.1 table: 0.1-3.9 low, 4.0-6.9
 * medium, 7.0-8.9 high, 9.0-10.0 critical; "medium" is called "moderate" here, as npm does; a
 * score of 0.0, "none", is info). Many RustSec advisories carry no CVSS vector: those, and
 * vectors that cannot be scored, count as moderate, so that the default `fail-on-audit: high`
 * does not fail on them while `moderate` does.
 */
export function severityFromCvss(vector: unknown): AuditSeverity {
  const score = typeof vector === 'string' ? cvssBaseScore(vector) : undefined;
  if (score === undefined) return 'moderate';
  if (score === 0) return 'info';
  if (score < 4) return 'low';
  if (score < 7) return 'moderate';
  if (score < 9) return 'high';
  return 'critical';
}

// The package is a UMD bundle marked __esModule: Node's ESM loader puts its exports under
// `default`, while ncc's bundler exposes them directly. Take whichever holds the calculator, and
// fail loudly at load time rather than scoring every advisory as "unknown".
const cvss: typeof cvssModule =
  typeof cvssModule.fromVector === 'function'
    ? cvssModule
    : (cvssModule as unknown as { default: typeof cvssModule }).default;
if (typeof cvss?.fromVector !== 'function') {
  throw new Error('ae-cvss-calculator did not load: fromVector is missing.');
}

/** The base score of a CVSS v2, v3.0, v3.1 or v4.0 vector; undefined when it cannot be scored. */
export function cvssBaseScore(vector: string): number | undefined {
  let scores: { base?: unknown } | undefined;
  try {
    scores = cvss.fromVector(vector.trim())?.calculateScores();
  } catch {
    return undefined;
  }
  const base = scores?.base;
  return typeof base === 'number' && Number.isFinite(base) && base >= 0 && base <= 10
    ? base
    : undefined;
}

function warningFinding(kind: string, warning: JsonObject): Finding {
  const pkg = objectOrUndefined(warning.package) ?? {};
  const advisory = objectOrUndefined(warning.advisory);
  const crate = [stringOrUndefined(pkg.name) ?? 'a crate', stringOrUndefined(pkg.version)]
    .filter((part) => part !== undefined)
    .join(' ');
  const id = stringOrUndefined(advisory?.id);
  const title = stringOrUndefined(advisory?.title);
  const what = kind === 'yanked' ? 'is yanked' : kind === 'notice' ? 'has a notice' : `is ${kind}`;
  const about = [title, id && `(${id})`].filter(Boolean).join(' ');
  return {
    source: 'cargo-audit',
    rule: id ?? kind,
    severity: 'notice',
    message: capText(`${crate} ${what}${about === '' ? '' : `: ${about}`}`),
    file: 'Cargo.lock',
  };
}
