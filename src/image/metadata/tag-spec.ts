import { MetadataError } from './errors.js';
import { meaningfulLines, parseFields } from './fields.js';
import {
  checkTemplate,
  GLOBAL_EXPRESSIONS,
  SCHEDULE_EXPRESSIONS,
  VERSION_EXPRESSIONS,
  type TemplateSite,
} from './templates.js';

export const TAG_TYPES = [
  'schedule',
  'semver',
  'pep440',
  'match',
  'edge',
  'ref',
  'raw',
  'sha',
] as const;
export type TagType = (typeof TAG_TYPES)[number];
export type RefEvent = 'branch' | 'tag' | 'pr';

/** One line of the `tags` input, validated, with metadata-action's defaults filled in. */
export interface TagSpec {
  line: string;
  type: TagType;
  priority: number;
  /** A template that must render to exactly `true` or `false`. */
  enable: string;
  /** Present (even empty) when the line sets it; then it replaces the flavor's prefix/suffix. */
  prefix?: string;
  suffix?: string;
  pattern?: string;
  value?: string;
  /** For semver/pep440: regex whose first group is the version. */
  match?: RegExp;
  /** For type=match: the regex applied to the tag and the group that becomes the tag. */
  regex?: RegExp;
  group?: number;
  branch?: string;
  event?: RefEvent;
  format?: 'short' | 'long';
}

const DEFAULT_PRIORITY: Record<TagType, number> = {
  schedule: 1000,
  semver: 900,
  pep440: 900,
  match: 800,
  edge: 700,
  ref: 600,
  raw: 200,
  sha: 100,
};

const COMMON_ATTRIBUTES = ['type', 'enable', 'priority', 'prefix', 'suffix'];
const TYPE_ATTRIBUTES: Record<TagType, string[]> = {
  schedule: ['pattern'],
  semver: ['pattern', 'value', 'match'],
  pep440: ['pattern', 'value', 'match'],
  match: ['pattern', 'group', 'value'],
  edge: ['branch'],
  ref: ['event'],
  raw: ['value'],
  sha: ['format'],
};

const EXAMPLE = 'type=semver,pattern={{version}}';
const DEFAULT_LINES = [
  'type=schedule',
  'type=ref,event=branch',
  'type=ref,event=tag',
  'type=ref,event=pr',
];

/**
 * Parses the `tags` input (metadata-action's defaults when empty) and orders the entries by
 * priority, highest first; entries of equal priority keep the order they were written in.
 */
export function parseTagSpecs(lines: string[]): TagSpec[] {
  const given = meaningfulLines(lines);
  const specs = (given.length > 0 ? given : DEFAULT_LINES).map((line) => parseTagSpec(line));
  return specs
    .map((spec, index) => ({ spec, index }))
    .sort((a, b) => b.spec.priority - a.spec.priority || a.index - b.index)
    .map(({ spec }) => spec);
}

export function parseTagSpec(line: string): TagSpec {
  const attributes = new Map<string, string>();
  let bareField = false;
  for (const field of parseFields(line, 'tags', EXAMPLE)) {
    attributes.set(field.key ?? 'value', field.value);
    bareField ||= field.key === undefined;
  }
  const fail = (problem: string, example = EXAMPLE): never => {
    throw new MetadataError('tags', problem, example, line);
  };
  const type = attributes.get('type') ?? 'raw';
  if (!isTagType(type)) {
    fail(`has the unknown type '${type}'; known types: ${TAG_TYPES.join(', ')}.`);
  }
  const tagType = type as TagType;
  const allowed = [...COMMON_ATTRIBUTES, ...TYPE_ATTRIBUTES[tagType]];
  for (const key of attributes.keys()) {
    if (allowed.includes(key)) continue;
    const bareHint =
      key === 'value' && bareField
        ? " (a field without '=' counts as value=; quote a field that holds commas, e.g. \"pattern={{date 'D, MMM'}}\")"
        : '';
    fail(
      `has the attribute '${key}', which type=${tagType} does not take; it takes ${allowed.join(', ')}${bareHint}.`,
    );
  }
  const site: TemplateSite = { input: 'tags', line, example: EXAMPLE };
  const spec: TagSpec = {
    line,
    type: tagType,
    priority: parsePriority(attributes.get('priority'), tagType, fail),
    enable: attributes.get('enable') ?? 'true',
    prefix: attributes.get('prefix'),
    suffix: attributes.get('suffix'),
  };
  for (const template of [spec.enable, spec.prefix, spec.suffix]) {
    if (template !== undefined) checkTemplate(template, GLOBAL_EXPRESSIONS, site);
  }
  fillTypeAttributes(spec, attributes, site, fail);
  return spec;
}

function fillTypeAttributes(
  spec: TagSpec,
  attributes: Map<string, string>,
  site: TemplateSite,
  fail: (problem: string, example?: string) => never,
): void {
  const value = attributes.get('value');
  const pattern = attributes.get('pattern');
  if (value !== undefined) checkTemplate(value, GLOBAL_EXPRESSIONS, site);
  switch (spec.type) {
    case 'schedule':
      spec.pattern = pattern ?? 'nightly';
      checkTemplate(spec.pattern, SCHEDULE_EXPRESSIONS, site);
      return;
    case 'semver':
    case 'pep440': {
      if (pattern === undefined) {
        fail(`has type=${spec.type} without a pattern.`, `type=${spec.type},pattern={{version}}`);
      }
      spec.pattern = pattern;
      checkTemplate(pattern, VERSION_EXPRESSIONS, site);
      spec.value = value ?? '';
      const match = attributes.get('match');
      if (match !== undefined && match !== '') spec.match = compileRegex(match, fail, false);
      return;
    }
    case 'match': {
      if (pattern === undefined)
        fail('has type=match without a pattern.', 'type=match,pattern=v(.*),group=1');
      spec.regex = compileRegex(pattern, fail);
      spec.group = parseGroup(attributes.get('group') ?? '0', fail);
      spec.value = value ?? '';
      return;
    }
    case 'edge':
      spec.branch = attributes.get('branch') ?? '';
      return;
    case 'ref': {
      const event = attributes.get('event');
      if (event === undefined)
        fail('has type=ref without an event (branch, tag or pr).', 'type=ref,event=branch');
      if (event !== 'branch' && event !== 'tag' && event !== 'pr') {
        fail(
          `has type=ref with event=${event}; the events are branch, tag and pr.`,
          'type=ref,event=branch',
        );
      }
      spec.event = event as RefEvent;
      if (event === 'pr' && spec.prefix === undefined) spec.prefix = 'pr-';
      return;
    }
    case 'raw':
      if (value === undefined) fail('has type=raw without a value.', 'type=raw,value=stable');
      spec.value = value;
      return;
    case 'sha': {
      const format = attributes.get('format') ?? 'short';
      if (format !== 'short' && format !== 'long') {
        fail(
          `has type=sha with format=${format}; the formats are short and long.`,
          'type=sha,format=long',
        );
      }
      spec.format = format as 'short' | 'long';
      if (spec.prefix === undefined) spec.prefix = 'sha-';
      return;
    }
  }
}

function isTagType(type: string): type is TagType {
  return (TAG_TYPES as readonly string[]).includes(type);
}

function parsePriority(
  text: string | undefined,
  type: TagType,
  fail: (problem: string, example?: string) => never,
): number {
  if (text === undefined) return DEFAULT_PRIORITY[type];
  if (!/^[-+]?\d+(\.\d+)?$/.test(text)) {
    fail(
      `has priority=${text}, which is not a number.`,
      `type=${type},priority=${DEFAULT_PRIORITY[type]}`,
    );
  }
  return Number(text);
}

function parseGroup(text: string, fail: (problem: string, example?: string) => never): number {
  if (!/^\d+$/.test(text)) {
    fail(`has group=${text}, which is not a group number.`, 'type=match,pattern=v(.*),group=1');
  }
  return Number(text);
}

/**
 * A type=match pattern written `/re/flags` is a regex with flags; anything else (and every semver
 * or pep440 `match`) is the regex's source, as in metadata-action.
 */
function compileRegex(
  text: string,
  fail: (problem: string, example?: string) => never,
  allowLiteral = true,
): RegExp {
  const literal = allowLiteral ? /^\/(.+)\/(.*)$/.exec(text) : null;
  try {
    return literal ? new RegExp(literal[1], literal[2]) : new RegExp(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return fail(
      `has a regular expression that does not compile: ${reason}.`,
      'type=match,pattern=v(.*),group=1',
    );
  }
}
