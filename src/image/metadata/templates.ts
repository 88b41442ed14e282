import { formatDate } from './date-format.js';
import { MetadataError } from './errors.js';
import {
  parseTemplate,
  TemplateSyntaxError,
  UnsupportedConstructError,
  type Expression,
  type Param,
  type TemplateNode,
} from './template-parser.js';
import { isTimeZone } from './time-zones.js';

/**
 * Templates in metadata-action's vocabulary, rendered as metadata-action's Handlebars renders
 * them (same escaping, same quirks), but every template is checked first against the names its
 * place allows, so a typo such as `{{brnach}}` is an error instead of an empty string.
 */

/** Where a template sits, for error messages. */
export interface TemplateSite {
  input: string;
  line: string;
  example: string;
}

type HelperKind = 'value' | 'date';

export interface Vocabulary {
  readonly helpers: Readonly<Record<string, HelperKind>>;
  readonly where: string;
}

export const GLOBAL_EXPRESSIONS: Vocabulary = {
  where: 'here',
  helpers: {
    branch: 'value',
    tag: 'value',
    sha: 'value',
    base_ref: 'value',
    is_default_branch: 'value',
    is_not_default_branch: 'value',
    date: 'date',
    commit_date: 'date',
  },
};

export const SCHEDULE_EXPRESSIONS: Vocabulary = {
  where: 'in a schedule pattern',
  helpers: { date: 'date', commit_date: 'date' },
};

export const VERSION_EXPRESSIONS: Vocabulary = {
  where: 'in a version pattern',
  helpers: { raw: 'value', version: 'value', major: 'value', minor: 'value', patch: 'value' },
};

/** What an expression was written with: `{{name param… key=value…}}`. */
export interface HelperCall {
  params: Param[];
  hash: Readonly<Record<string, Param>>;
}

export type Helper = (call: HelperCall) => unknown;
export type Helpers = Record<string, Helper>;

/** Throws a MetadataError when the template is malformed or uses a name its place does not know. */
export function checkTemplate(template: string, vocabulary: Vocabulary, site: TemplateSite): void {
  if (!template.includes('{{')) return;
  for (const node of parse(template, vocabulary, site)) {
    if (node.kind === 'expression') checkExpression(node, vocabulary, site);
  }
}

/** The parsed template; a syntax error or a construct such as a block is the user's error. */
function parse(template: string, vocabulary: Vocabulary, site: TemplateSite): TemplateNode[] {
  try {
    return parseTemplate(template);
  } catch (error) {
    if (error instanceof UnsupportedConstructError) {
      fail(
        site,
        `uses a template construct that is not supported ${vocabulary.where} (${error.message}).`,
      );
    }
    if (error instanceof TemplateSyntaxError) {
      fail(site, `has a template that does not parse (${error.message}).`);
    }
    throw error;
  }
}

function checkExpression(expression: Expression, vocabulary: Vocabulary, site: TemplateSite): void {
  const { name, params, hash } = expression;
  const kind = Object.hasOwn(vocabulary.helpers, name) ? vocabulary.helpers[name] : undefined;
  if (kind === undefined) {
    const known = Object.keys(vocabulary.helpers)
      .map((known) => `{{${known}}}`)
      .join(', ');
    fail(site, `uses {{${name}}}, which is unknown ${vocabulary.where}; known: ${known}.`);
  }
  if (kind === 'value') {
    if (params.length > 0 || hash.length > 0) {
      fail(site, `passes arguments to {{${name}}}, which takes none.`);
    }
    return;
  }
  if (params.length > 1) {
    fail(site, `passes more than one format to {{${name}}}; write {{${name} 'YYYYMMDD'}}.`);
  }
  for (const { key, value } of hash) {
    if (key !== 'tz') {
      fail(site, `uses the unknown ${key} attribute in {{${name}}}; only tz='<zone>' is known.`);
    }
    if (value.kind !== 'string' || !isTimeZone(value.value)) {
      const written = value.kind === 'string' ? `'${value.value}'` : value.text;
      fail(
        site,
        `uses tz=${written} in {{${name}}}, which is not an IANA time zone such as 'Europe/Paris'.`,
      );
    }
  }
}

/** Renders a template that checkTemplate accepted. */
export function renderTemplate(template: string, helpers: Helpers, site: TemplateSite): string {
  if (!template.includes('{{')) return template;
  try {
    return parseTemplate(template)
      .map((node) => (node.kind === 'text' ? node.text : renderExpression(node, helpers)))
      .join('');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    fail(site, `has a template that cannot be rendered (${reason}).`);
  }
}

function renderExpression(expression: Expression, helpers: Helpers): string {
  const { name, params, hash, escaped } = expression;
  const helper = Object.hasOwn(helpers, name) ? helpers[name] : undefined;
  if (helper === undefined) {
    // Handlebars looks a bare name up in an empty context; with arguments it is a missing helper.
    if (params.length === 0 && hash.length === 0) return '';
    throw new Error(`Missing helper: "${name}"`);
  }
  const value = helper({ params, hash: Object.fromEntries(hash.map((p) => [p.key, p.value])) });
  const text = value === undefined || value === null ? '' : String(value);
  return escaped ? escapeHtml(text) : text;
}

/** What Handlebars' `{{…}}` (unlike `{{{…}}}`) escapes, and how. */
const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#x27;',
  '`': '&#x60;',
  '=': '&#x3D;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (character) => HTML_ESCAPES[character]);
}

/**
 * `{{date 'format' tz='zone'}}` with moment's format tokens, as metadata-action. A format that
 * is not quoted (`{{date YYYY}}` names an empty value in Handlebars) gives moment's default ISO
 * format, which is what metadata-action produces for it too.
 */
export function dateHelper(date: Date): Helper {
  return ({ params, hash }) => {
    const format = params[0]?.kind === 'string' ? params[0].value : undefined;
    const zone = hash.tz?.kind === 'string' ? hash.tz.value : 'UTC';
    return formatDate(date, zone, format);
  };
}

function fail(site: TemplateSite, problem: string): never {
  throw new MetadataError(site.input, problem, site.example, site.line);
}
