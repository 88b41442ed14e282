import {
  ReportError,
  type AuditResults,
  type AuditSeverity,
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

const SEVERITIES: readonly AuditSeverity[] = ['info', 'low', 'moderate', 'high', 'critical'];

/**
 * `npm audit --json` from npm 7 or later (auditReportVersion 2). npm exits 1 both when it finds
 * vulnerabilities and when the audit itself fails, so the JSON's shape decides: an {"error"}
 * object is a failed audit, never a clean one. Counts are npm's own (metadata.vulnerabilities,
 * one per vulnerable package, including packages vulnerable only through a dependency); the
 * vulnerability list holds the advisories, each once.
 */
export async function parseNpmAudit(
  source: ReportSource,
  _context: ParseContext,
): Promise<ParsedReport> {
  const report = await readJsonReport(source, 'npm audit');
  if (!isObject(report)) {
    throw new ReportError(source.origin, 'is not `npm audit --json` output: expected an object.');
  }
  if (report.error !== undefined) throw auditFailed(source.origin, report);
  if (report.auditReportVersion !== 2) {
    const v1 = report.advisories !== undefined || report.auditReportVersion === 1;
    throw new ReportError(
      source.origin,
      v1
        ? 'is an npm 6 audit report (version 1, with "advisories"); run `npm audit --json` with npm 7 or later, which writes report version 2.'
        : `is not \`npm audit --json\` report version 2 (auditReportVersion is ${JSON.stringify(report.auditReportVersion ?? null)}).`,
    );
  }
  const entries = objectOrUndefined(report.vulnerabilities);
  if (!entries) {
    throw new ReportError(
      source.origin,
      'is an npm audit report without a "vulnerabilities" object.',
    );
  }
  const problem = shapeErrors(report, entries);
  if (problem !== undefined) {
    throw new ReportError(source.origin, `is not \`npm audit --json\` output: ${problem}.`);
  }
  const packages = Object.values(entries).filter(isObject);
  return {
    findings: [],
    audit: {
      counts: countsFrom(
        objectOrUndefined(objectOrUndefined(report.metadata)?.vulnerabilities),
        packages,
      ),
      vulnerabilities: advisories(packages),
    },
  };
}

/** The first field this parser reads that has the wrong type, with where it is. */
function shapeErrors(report: JsonObject, entries: JsonObject): string | undefined {
  const metadata = report.metadata;
  const first =
    shapeProblem(metadata, 'object', 'metadata') ??
    (isObject(metadata)
      ? shapeProblem(metadata.vulnerabilities, 'object', 'metadata.vulnerabilities')
      : undefined);
  if (first !== undefined) return first;
  for (const [name, entry] of Object.entries(entries)) {
    const where = `vulnerabilities[${JSON.stringify(name)}]`;
    if (!isObject(entry)) return `${where} must be an object`;
    const problem =
      shapeProblem(entry.name, 'string', `${where}.name`) ??
      shapeProblem(entry.severity, 'string', `${where}.severity`) ??
      shapeProblem(entry.via, 'array', `${where}.via`);
    if (problem !== undefined) return problem;
    for (const [at, via] of arrayOrEmpty(entry.via).entries()) {
      const viaWhere = `${where}.via[${at}]`;
      if (typeof via === 'string') continue;
      if (!isObject(via)) return `${viaWhere} must be a string or an object`;
      const viaProblem =
        shapeProblem(via.title, 'string', `${viaWhere}.title`) ??
        shapeProblem(via.url, 'string', `${viaWhere}.url`) ??
        shapeProblem(via.name, 'string', `${viaWhere}.name`) ??
        shapeProblem(via.severity, 'string', `${viaWhere}.severity`);
      if (viaProblem !== undefined) return viaProblem;
    }
  }
  return undefined;
}

function auditFailed(origin: string, report: JsonObject): ReportError {
  const error = objectOrUndefined(report.error) ?? {};
  const code = stringOrUndefined(error.code);
  const summary = stringOrUndefined(error.summary)?.trim() || undefined;
  // A failed request to the audit endpoint puts the HTTP error in "message" and leaves the
  // error's summary empty.
  const message = summary ?? stringOrUndefined(report.message)?.trim() ?? 'no details given';
  return new ReportError(
    origin,
    capText(`npm audit failed${code === undefined ? '' : ` with ${code}`}: ${message}`),
  );
}

function countsFrom(
  metadata: JsonObject | undefined,
  packages: JsonObject[],
): AuditResults['counts'] {
  const counts: AuditResults['counts'] = { info: 0, low: 0, moderate: 0, high: 0, critical: 0 };
  if (metadata && SEVERITIES.every((severity) => isCount(metadata[severity]))) {
    for (const severity of SEVERITIES) counts[severity] = metadata[severity] as number;
    return counts;
  }
  // Without metadata, count the way npm does: one per vulnerable package, at its severity.
  for (const entry of packages) counts[severityOf(entry.severity)] += 1;
  return counts;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function severityOf(value: unknown): AuditSeverity {
  return SEVERITIES.find((severity) => severity === value) ?? 'moderate';
}

/** The advisory objects in the entries' "via" lists, once each (strings point at other entries). */
function advisories(packages: JsonObject[]): Vulnerability[] {
  const byId = new Map<string, Vulnerability>();
  for (const entry of packages) {
    for (const via of arrayOrEmpty(entry.via)) {
      if (!isObject(via)) continue;
      const url = stringOrUndefined(via.url);
      const source =
        typeof via.source === 'number' || typeof via.source === 'string'
          ? String(via.source)
          : undefined;
      const ghsa =
        url === undefined ? undefined : /GHSA(-[23456789cfghjmpqrvwx]{4}){3}/i.exec(url)?.[0];
      const key = source ?? ghsa ?? url ?? stringOrUndefined(via.title);
      if (key === undefined || byId.has(key)) continue;
      const name =
        stringOrUndefined(via.name) ??
        stringOrUndefined(via.dependency) ??
        stringOrUndefined(entry.name);
      byId.set(key, {
        id: ghsa ?? source ?? key,
        package: name ?? 'unknown package',
        severity: severityOf(via.severity),
        title: capText(stringOrUndefined(via.title) ?? 'npm advisory'),
        ...(url !== undefined && { url }),
      });
    }
  }
  return [...byId.values()];
}
