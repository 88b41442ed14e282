import {
  ReportError,
  type Finding,
  type ParseContext,
  type ParsedReport,
  type Severity,
} from '../model.js';
import {
  arrayOrEmpty,
  isObject,
  objectOrUndefined,
  positiveIntegerOrUndefined,
  readJsonReport,
  shapeProblem,
  stringOrUndefined,
  type JsonObject,
} from '../../core/reports/json.js';
import { fileUriToPath, isFileUri, safeDecode } from '../../core/reports/paths.js';
import type { ReportSource } from '../../core/reports/source.js';
import { capText } from '../../core/reports/text.js';
import { reportLinkOrUndefined } from '../../core/url.js';
import { reportPath } from '../report-paths.js';

/**
 * SARIF 2.1.0 logs (CodeQL, ESLint's SARIF formatter, clippy-sarif, Semgrep...). A result's level
 * is resolved the way the standard says (§3.27.10): results of a kind other than "fail" have no
 * level and are dropped; otherwise the result's own level, else the invocation's override, else
 * the rule's default configuration, else "warning". Accepted suppressions drop a result, as code
 * scanning does. Tool notifications of level "error" (ESLint puts parse errors there) are findings.
 * A result links its rule's documentation when the rule's helpUri is an http(s) URL.
 */
export async function parseSarif(
  source: ReportSource,
  context: ParseContext,
): Promise<ParsedReport> {
  const log = await readJsonReport(source, 'SARIF');
  if (!isObject(log) || !Array.isArray(log.runs)) {
    throw new ReportError(source.origin, 'is not a SARIF log: there is no "runs" array.');
  }
  if (log.version !== '2.1.0') {
    const found =
      log.version === undefined ? 'no version' : `version ${JSON.stringify(log.version)}`;
    throw new ReportError(source.origin, `is a SARIF log with ${found}; only SARIF 2.1.0 is read.`);
  }
  const problem = shapeErrors(log.runs);
  if (problem !== undefined) {
    throw new ReportError(source.origin, `is not a SARIF 2.1.0 log: ${problem}.`);
  }
  const findings: Finding[] = [];
  for (const run of log.runs) {
    if (isObject(run)) findings.push(...parseRun(run, context));
  }
  return { findings };
}

/** The first field of a run's results this parser reads that has the wrong type, and where. */
function shapeErrors(runs: unknown[]): string | undefined {
  for (const [index, run] of runs.entries()) {
    const where = `runs[${index}]`;
    if (!isObject(run)) return `${where} must be an object`;
    const problem =
      shapeProblem(run.tool, 'object', `${where}.tool`) ??
      shapeProblem(run.results, 'array', `${where}.results`) ??
      shapeProblem(run.invocations, 'array', `${where}.invocations`) ??
      shapeProblem(run.artifacts, 'array', `${where}.artifacts`);
    if (problem !== undefined) return problem;
    for (const [at, result] of arrayOrEmpty(run.results).entries()) {
      const problem = resultProblem(result, `${where}.results[${at}]`);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

function resultProblem(result: unknown, where: string): string | undefined {
  if (!isObject(result)) return `${where} must be an object`;
  const first =
    shapeProblem(result.ruleId, 'string', `${where}.ruleId`) ??
    shapeProblem(result.level, 'string', `${where}.level`) ??
    shapeProblem(result.kind, 'string', `${where}.kind`) ??
    shapeProblem(result.message, 'object', `${where}.message`) ??
    shapeProblem(result.rule, 'object', `${where}.rule`) ??
    shapeProblem(result.locations, 'array', `${where}.locations`) ??
    shapeProblem(result.suppressions, 'array', `${where}.suppressions`);
  if (first !== undefined) return first;
  const location: unknown = arrayOrEmpty(result.locations)[0];
  const at = `${where}.locations[0]`;
  if (location === undefined) return undefined;
  if (!isObject(location)) return `${at} must be an object`;
  const physical = location.physicalLocation;
  const problem = shapeProblem(physical, 'object', `${at}.physicalLocation`);
  if (problem !== undefined || !isObject(physical)) return problem;
  const { artifactLocation, region } = physical;
  return (
    shapeProblem(artifactLocation, 'object', `${at}.physicalLocation.artifactLocation`) ??
    (isObject(artifactLocation)
      ? shapeProblem(artifactLocation.uri, 'string', `${at}.physicalLocation.artifactLocation.uri`)
      : undefined) ??
    shapeProblem(region, 'object', `${at}.physicalLocation.region`) ??
    (isObject(region)
      ? (shapeProblem(region.startLine, 'number', `${at}.physicalLocation.region.startLine`) ??
        shapeProblem(region.startColumn, 'number', `${at}.physicalLocation.region.startColumn`))
      : undefined)
  );
}

const LEVELS: Record<string, Severity | undefined> = {
  error: 'error',
  warning: 'warning',
  note: 'notice',
  none: undefined,
};

function parseRun(run: JsonObject, context: ParseContext): Finding[] {
  const tool = objectOrUndefined(run.tool);
  const driver = objectOrUndefined(tool?.driver) ?? {};
  const extensions = arrayOrEmpty(tool?.extensions).filter(isObject);
  const rules = new RuleCatalogue(driver, extensions);
  const locator = new Locator(run, context);
  const overrides = levelOverrides(run, rules);
  const sourceName = stringOrUndefined(driver.name) ?? 'sarif';
  const findings: Finding[] = [];

  for (const result of arrayOrEmpty(run.results)) {
    if (!isObject(result)) continue;
    const kind = stringOrUndefined(result.kind) ?? 'fail';
    if (kind !== 'fail' || isSuppressed(result)) continue;
    const rule = rules.find(result);
    const ruleId =
      stringOrUndefined(result.ruleId) ??
      stringOrUndefined(objectOrUndefined(result.rule)?.id) ??
      stringOrUndefined(rule?.id);
    const level =
      stringOrUndefined(result.level) ??
      (rule ? overrides.get(rule) : undefined) ??
      stringOrUndefined(objectOrUndefined(rule?.defaultConfiguration)?.level) ??
      'warning';
    const severity = LEVELS[level];
    if (severity === undefined) continue;
    // Not shape-checked like the fields above: a bad link costs only the link, not the findings.
    const ruleUrl = reportLinkOrUndefined(rule?.helpUri);
    findings.push({
      source: sourceName,
      ...(ruleId !== undefined && { rule: ruleId }),
      ...(ruleUrl !== undefined && { ruleUrl }),
      severity,
      message: capText(messageText(result.message, rule) ?? ruleId ?? 'SARIF result'),
      ...locator.locate(arrayOrEmpty(result.locations)[0]),
    });
  }

  for (const invocation of arrayOrEmpty(run.invocations).filter(isObject)) {
    const notifications = [
      ...arrayOrEmpty(invocation.toolExecutionNotifications),
      ...arrayOrEmpty(invocation.toolConfigurationNotifications),
    ];
    for (const notification of notifications) {
      if (!isObject(notification) || notification.level !== 'error') continue;
      const ruleId = stringOrUndefined(objectOrUndefined(notification.descriptor)?.id);
      findings.push({
        source: sourceName,
        ...(ruleId !== undefined && { rule: ruleId }),
        severity: 'error',
        message: capText(messageText(notification.message, undefined) ?? 'Tool notification'),
        ...locator.locate(arrayOrEmpty(notification.locations)[0]),
      });
    }
  }
  return findings;
}

/** Suppressed unless some suppression is still under review or was rejected (§3.27.23, §3.35.3). */
function isSuppressed(result: JsonObject): boolean {
  const suppressions = arrayOrEmpty(result.suppressions).filter(isObject);
  if (suppressions.length === 0) return false;
  return suppressions.every((suppression) => {
    const status = suppression.status;
    return status === undefined || status === 'accepted';
  });
}

class RuleCatalogue {
  private readonly components: JsonObject[];

  constructor(driver: JsonObject, extensions: JsonObject[]) {
    this.components = [driver, ...extensions];
  }

  /** The rule a result refers to: by reference, by index into its component, or by id. */
  find(result: JsonObject): JsonObject | undefined {
    const reference = objectOrUndefined(result.rule);
    const componentIndex = objectOrUndefined(reference?.toolComponent)?.index;
    // toolComponent.index counts extensions only; the driver is the default component.
    const component =
      typeof componentIndex === 'number' ? this.components[componentIndex + 1] : this.components[0];
    const index = reference?.index ?? result.ruleIndex;
    if (typeof index === 'number' && index >= 0 && component) {
      const byIndex = arrayOrEmpty(component.rules)[index];
      if (isObject(byIndex)) return byIndex;
    }
    const id = stringOrUndefined(reference?.id) ?? stringOrUndefined(result.ruleId);
    return id === undefined ? undefined : this.byId(id);
  }

  byId(id: string): JsonObject | undefined {
    // Hierarchical ids ("CA2101/1") fall back to their parent rule.
    const candidates = id.includes('/') ? [id, id.slice(0, id.indexOf('/'))] : [id];
    for (const candidate of candidates) {
      for (const component of this.components) {
        const rule = arrayOrEmpty(component.rules).find(
          (entry) => isObject(entry) && entry.id === candidate,
        );
        if (isObject(rule)) return rule;
      }
    }
    return undefined;
  }
}

/** Levels set per rule for this run by invocations[].ruleConfigurationOverrides. */
function levelOverrides(run: JsonObject, rules: RuleCatalogue): Map<JsonObject, string> {
  const overrides = new Map<JsonObject, string>();
  for (const invocation of arrayOrEmpty(run.invocations).filter(isObject)) {
    for (const override of arrayOrEmpty(invocation.ruleConfigurationOverrides).filter(isObject)) {
      const level = stringOrUndefined(objectOrUndefined(override.configuration)?.level);
      const descriptor = objectOrUndefined(override.descriptor);
      if (level === undefined || descriptor === undefined) continue;
      const rule = rules.find({ rule: descriptor });
      if (rule) overrides.set(rule, level);
    }
  }
  return overrides;
}

/** message.text, or the rule's messageStrings[message.id], with {0}-style arguments filled in. */
function messageText(message: unknown, rule: JsonObject | undefined): string | undefined {
  if (!isObject(message)) return undefined;
  const args = arrayOrEmpty(message.arguments).map((argument) => String(argument));
  const direct = stringOrUndefined(message.text) ?? stringOrUndefined(message.markdown);
  if (direct !== undefined) return fillPlaceholders(direct, args);
  const id = stringOrUndefined(message.id);
  if (id === undefined) return undefined;
  const template = objectOrUndefined(objectOrUndefined(rule?.messageStrings)?.[id]);
  const text = stringOrUndefined(template?.text) ?? stringOrUndefined(template?.markdown);
  return text === undefined ? undefined : fillPlaceholders(text, args);
}

function fillPlaceholders(template: string, args: string[]): string {
  return template.replace(/\{\{|\}\}|\{(\d+)\}/g, (match, index: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    return args[Number(index)] ?? match;
  });
}

type Location = Pick<Finding, 'file' | 'line' | 'endLine' | 'column' | 'endColumn'>;

class Locator {
  private readonly artifacts: unknown[];
  private readonly baseIds: JsonObject;

  constructor(
    run: JsonObject,
    private readonly context: ParseContext,
  ) {
    this.artifacts = arrayOrEmpty(run.artifacts);
    this.baseIds = objectOrUndefined(run.originalUriBaseIds) ?? {};
  }

  locate(location: unknown): Location {
    const physical = objectOrUndefined(objectOrUndefined(location)?.physicalLocation);
    if (!physical) return {};
    const file = this.file(objectOrUndefined(physical.artifactLocation));
    const region = objectOrUndefined(physical.region);
    const line = positiveIntegerOrUndefined(region?.startLine);
    if (line === undefined) return file === undefined ? {} : { file };
    const endLine = positiveIntegerOrUndefined(region?.endLine);
    const column = positiveIntegerOrUndefined(region?.startColumn);
    const endColumn = positiveIntegerOrUndefined(region?.endColumn);
    return {
      ...(file !== undefined && { file }),
      line,
      ...(endLine !== undefined && endLine >= line && { endLine }),
      ...(column !== undefined && { column }),
      ...(endColumn !== undefined && { endColumn }),
    };
  }

  private file(artifactLocation: JsonObject | undefined): string | undefined {
    if (!artifactLocation) return undefined;
    let uri = stringOrUndefined(artifactLocation.uri);
    let baseId = stringOrUndefined(artifactLocation.uriBaseId);
    if (uri === undefined && typeof artifactLocation.index === 'number') {
      const listed = objectOrUndefined(
        objectOrUndefined(this.artifacts[artifactLocation.index])?.location,
      );
      uri = stringOrUndefined(listed?.uri);
      baseId = stringOrUndefined(listed?.uriBaseId);
    }
    if (uri === undefined) return undefined;
    const resolved = this.resolve(uri, baseId, 0);
    return reportPath(resolved, this.context);
  }

  /**
   * A relative uri under a uriBaseId that originalUriBaseIds maps to a file:// URI becomes an
   * absolute path; an unknown base (e.g. %SRCROOT% left undefined) means "the repository root".
   */
  private resolve(uri: string, baseId: string | undefined, depth: number): string {
    if (isFileUri(uri)) return fileUriToPath(uri);
    if (/^[a-z][a-z0-9+.-]*:/i.test(uri) && !/^[a-z]:[\\/]/i.test(uri)) return uri;
    const base =
      baseId === undefined || depth > 8 ? undefined : objectOrUndefined(this.baseIds[baseId]);
    const baseUri = stringOrUndefined(base?.uri);
    if (baseUri === undefined) return safeDecode(uri);
    const resolvedBase = this.resolve(baseUri, stringOrUndefined(base?.uriBaseId), depth + 1);
    const separator = resolvedBase === '' || resolvedBase.endsWith('/') ? '' : '/';
    return `${resolvedBase}${separator}${safeDecode(uri)}`;
  }
}
