import * as pep440 from '@renovatebot/pep440';
import semver from 'semver';
import type { RunFacts } from './event.js';
import type { Flavor } from './flavor.js';
import { stripPrefix } from './globals.js';
import { isHighestPep440, isHighestSemver, looseSemver } from './highest.js';
import type { TagSpec } from './tag-spec.js';
import { isLoneExpression } from './template-parser.js';
import { renderTemplate, type Helpers, type TemplateSite } from './templates.js';

/** What the tag rules need besides the entry itself. */
export interface Evaluation {
  facts: RunFacts;
  flavor: Flavor;
  globals: Helpers;
  shortSha: string;
  /** The repository's default branch, for type=edge without branch=. */
  defaultBranch?: string;
  warnings: string[];
}

/** A value one entry produced, before sanitisation. */
export interface Produced {
  value: string;
  /** Whether `latest=auto` gives `latest` when this entry decides it. */
  autoLatest: boolean;
  /** For `latest=highest`: whether this is the highest release among the git tags. */
  isHighest?: (gitTags: string[]) => boolean;
}

export function produce(spec: TagSpec, evaluation: Evaluation): Produced | undefined {
  switch (spec.type) {
    case 'schedule':
      return produceSchedule(spec, evaluation);
    case 'semver':
      return produceSemver(spec, evaluation);
    case 'pep440':
      return producePep440(spec, evaluation);
    case 'match':
      return produceMatch(spec, evaluation);
    case 'edge':
      return produceEdge(spec, evaluation);
    case 'ref':
      return produceRef(spec, evaluation);
    case 'raw':
      return fixed(spec, evaluation, renderGlobal(spec.value ?? '', spec, evaluation));
    case 'sha':
      if (evaluation.facts.sha === '') return undefined;
      return fixed(
        spec,
        evaluation,
        spec.format === 'long' ? evaluation.facts.sha : evaluation.shortSha,
      );
  }
}

export function renderGlobal(template: string, spec: TagSpec, evaluation: Evaluation): string {
  return renderTemplate(template, evaluation.globals, siteOf(spec));
}

function siteOf(spec: TagSpec): TemplateSite {
  return { input: 'tags', line: spec.line, example: 'type=raw,value={{branch}}-{{sha}}' };
}

/** Prefix and suffix: the entry's own (even empty) replace the flavor's. */
function withAffixes(value: string, spec: TagSpec, evaluation: Evaluation): string {
  const { flavor, globals } = evaluation;
  const prefix =
    spec.prefix !== undefined
      ? renderGlobal(spec.prefix, spec, evaluation)
      : renderTemplate(flavor.prefix, globals, flavorSite(`prefix=${flavor.prefix}`));
  const suffix =
    spec.suffix !== undefined
      ? renderGlobal(spec.suffix, spec, evaluation)
      : renderTemplate(flavor.suffix, globals, flavorSite(`suffix=${flavor.suffix}`));
  return `${prefix}${value}${suffix}`;
}

export function flavorSite(line: string): TemplateSite {
  return { input: 'flavor', line, example: 'prefix=app-' };
}

function fixed(spec: TagSpec, evaluation: Evaluation, value: string): Produced {
  return { value: withAffixes(value, spec, evaluation), autoLatest: false };
}

function produceSchedule(spec: TagSpec, evaluation: Evaluation): Produced | undefined {
  if (!/schedule/.test(evaluation.facts.eventName)) return undefined;
  const { date, commit_date } = evaluation.globals;
  const value = renderTemplate(spec.pattern ?? 'nightly', { date, commit_date }, siteOf(spec));
  return fixed(spec, evaluation, value);
}

/** The version text for semver/pep440/match: `value=` when set, else the pushed tag. */
function versionSource(spec: TagSpec, evaluation: Evaluation): string | undefined {
  if (spec.value) return renderGlobal(spec.value, spec, evaluation);
  return stripPrefix(evaluation.facts.ref, 'refs/tags/');
}

/** semver/pep440 `match=`: group 1 (else the whole match) becomes the version; no match keeps it. */
function matchVersion(text: string, spec: TagSpec, warnings: string[]): string {
  if (spec.match === undefined) return text;
  const found = text.match(spec.match);
  if (!found) {
    warnings.push(`${spec.match.source} does not match ${text}.`);
    return text;
  }
  return found[1] ?? found[0];
}

function toVersionText(tag: string, spec: TagSpec): string | undefined {
  if (spec.match === undefined) return tag.replace(/\//g, '-');
  const found = tag.match(spec.match);
  return found ? (found[1] ?? found[0]).replace(/\//g, '-') : undefined;
}

function produceSemver(spec: TagSpec, evaluation: Evaluation): Produced | undefined {
  const source = versionSource(spec, evaluation);
  if (source === undefined) return undefined;
  const text = matchVersion(source, spec, evaluation.warnings).replace(/\//g, '-');
  const parsed = semver.valid(text) ? semver.parse(text, { loose: true }) : null;
  if (parsed === null) {
    evaluation.warnings.push(`${text} is not a valid semver. More info: https://semver.org/`);
    return undefined;
  }
  const prerelease = semver.prerelease(text) !== null;
  // Prereleases change often: only {{version}} (or a lone {{raw}}) names them, never 1.2 or 1.
  const pattern = prerelease && !isRawStatement(spec.pattern ?? '') ? '{{version}}' : spec.pattern;
  const helpers: Helpers = {
    raw: () => parsed.raw,
    version: () => parsed.version,
    major: () => parsed.major,
    minor: () => parsed.minor,
    patch: () => parsed.patch,
  };
  const value = renderTemplate(pattern ?? '', helpers, siteOf(spec));
  return {
    value: withAffixes(value, spec, evaluation),
    autoLatest: !prerelease,
    isHighest: (tags) =>
      isHighestSemver(
        parsed,
        tags.map((tag) => {
          const candidate = toVersionText(tag, spec);
          return candidate !== undefined && semver.valid(candidate)
            ? semver.parse(candidate)
            : null;
        }),
      ),
  };
}

function producePep440(spec: TagSpec, evaluation: Evaluation): Produced | undefined {
  const source = versionSource(spec, evaluation);
  if (source === undefined) return undefined;
  const text = matchVersion(source, spec, evaluation.warnings).replace(/\//g, '-');
  const explained = pep440.valid(text) ? pep440.explain(text) : null;
  if (explained === null) {
    evaluation.warnings.push(
      `${text} does not conform to PEP 440. More info: https://www.python.org/dev/peps/pep-0440`,
    );
    return undefined;
  }
  const cleaned = pep440.clean(text) ?? text;
  const unstable = explained.is_prerelease || explained.is_postrelease || explained.is_devrelease;
  let value: string;
  if (unstable) {
    value = isRawStatement(spec.pattern ?? '') ? text : cleaned;
  } else {
    const helpers: Helpers = {
      raw: () => text,
      version: () => cleaned,
      major: () => pep440.major(text),
      minor: () => pep440.minor(text),
      patch: () => pep440.patch(text),
    };
    value = renderTemplate(spec.pattern ?? '', helpers, siteOf(spec));
  }
  return {
    value: withAffixes(value, spec, evaluation),
    autoLatest: !unstable,
    isHighest: (tags) =>
      isHighestPep440(
        text,
        tags.map((tag) => toVersionText(tag, spec)),
      ),
  };
}

function produceMatch(spec: TagSpec, evaluation: Evaluation): Produced | undefined {
  const source = versionSource(spec, evaluation);
  const regex = spec.regex as RegExp;
  const group = spec.group ?? 0;
  if (source === undefined) return undefined;
  const found = source.match(regex);
  if (!found) {
    evaluation.warnings.push(`${regex.source} does not match ${source}.`);
    return undefined;
  }
  if (found[group] === undefined) {
    evaluation.warnings.push(`Group ${group} does not exist for ${regex.source} pattern.`);
    return undefined;
  }
  return {
    value: withAffixes(found[group], spec, evaluation),
    autoLatest: true,
    isHighest: (tags) =>
      isHighestSemver(
        looseSemver(found[group]),
        tags.map((tag) => looseSemver(tag.match(regex)?.[group])),
      ),
  };
}

function produceEdge(spec: TagSpec, evaluation: Evaluation): Produced | undefined {
  const branch = stripPrefix(evaluation.facts.ref, 'refs/heads/');
  if (branch === undefined) return undefined;
  const edgeBranch = spec.branch || evaluation.defaultBranch;
  if (edgeBranch !== branch) return undefined;
  return fixed(spec, evaluation, 'edge');
}

function produceRef(spec: TagSpec, evaluation: Evaluation): Produced | undefined {
  const { ref } = evaluation.facts;
  if (spec.event === 'branch') {
    const branch = stripPrefix(ref, 'refs/heads/');
    return branch === undefined ? undefined : fixed(spec, evaluation, branch);
  }
  if (spec.event === 'pr') {
    const pr = stripPrefix(ref, 'refs/pull/');
    return pr === undefined ? undefined : fixed(spec, evaluation, pr.replace(/\/merge$/, ''));
  }
  const tag = stripPrefix(ref, 'refs/tags/');
  if (tag === undefined) return undefined;
  return {
    value: withAffixes(tag, spec, evaluation),
    autoLatest: true,
    isHighest: (tags) =>
      isHighestSemver(
        looseSemver(tag),
        tags.map((other) => looseSemver(other)),
      ),
  };
}

/** A pattern that is exactly `{{raw}}` keeps naming prereleases by their raw text. */
function isRawStatement(pattern: string): boolean {
  return isLoneExpression(pattern, 'raw');
}
