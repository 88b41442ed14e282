import Handlebars from 'handlebars';
import moment from 'moment-timezone';
import { MetadataError } from './errors.js';

/**
 * Handlebars templates in metadata-action's vocabulary. Handlebars itself renders them (same
 * escaping, same quirks as metadata-action), but every template is checked first against the
 * names its place allows, so a typo such as `{{brnach}}` is an error instead of an empty string.
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

export type Helpers = Record<string, (...args: unknown[]) => unknown>;

const handlebars = Handlebars.create();

/** Throws a MetadataError when the template is malformed or uses a name its place does not know. */
export function checkTemplate(template: string, vocabulary: Vocabulary, site: TemplateSite): void {
  if (!template.includes('{{')) return;
  let program: hbs.AST.Program;
  try {
    program = handlebars.parseWithoutProcessing(template);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    fail(site, `has a template that does not parse (${reason}).`);
  }
  for (const statement of program.body) {
    if (statement.type === 'ContentStatement' || statement.type === 'CommentStatement') continue;
    if (statement.type !== 'MustacheStatement') {
      fail(site, `uses a template construct that is not supported ${vocabulary.where}.`);
    }
    checkMustache(statement as hbs.AST.MustacheStatement, vocabulary, site);
  }
}

function checkMustache(
  mustache: hbs.AST.MustacheStatement,
  vocabulary: Vocabulary,
  site: TemplateSite,
): void {
  const path = mustache.path as hbs.AST.PathExpression;
  const name = path.type === 'PathExpression' && !path.data ? path.original : String(path.original);
  const kind = Object.hasOwn(vocabulary.helpers, name) ? vocabulary.helpers[name] : undefined;
  if (kind === undefined) {
    const known = Object.keys(vocabulary.helpers)
      .map((known) => `{{${known}}}`)
      .join(', ');
    fail(site, `uses {{${name}}}, which is unknown ${vocabulary.where}; known: ${known}.`);
  }
  const hashPairs = mustache.hash?.pairs ?? [];
  if (kind === 'value') {
    if (mustache.params.length > 0 || hashPairs.length > 0) {
      fail(site, `passes arguments to {{${name}}}, which takes none.`);
    }
    return;
  }
  if (mustache.params.length > 1) {
    fail(site, `passes more than one format to {{${name}}}; write {{${name} 'YYYYMMDD'}}.`);
  }
  for (const pair of hashPairs) {
    if (pair.key !== 'tz') {
      fail(
        site,
        `uses the unknown ${pair.key} attribute in {{${name}}}; only tz='<zone>' is known.`,
      );
    }
    const zone = pair.value as hbs.AST.StringLiteral;
    if (zone.type !== 'StringLiteral' || moment.tz.zone(zone.value) === null) {
      const written = zone.type === 'StringLiteral' ? `'${zone.value}'` : String(zone.original);
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
    return handlebars.compile(template)({}, { helpers });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    fail(site, `has a template that cannot be rendered (${reason}).`);
  }
}

/**
 * `{{date 'format' tz='zone'}}` with moment's format tokens, as metadata-action. An unquoted
 * format is a Handlebars path that resolves to nothing, so moment's default ISO format is used,
 * which is what metadata-action produces for it too.
 */
export function dateHelper(date: Date): (...args: unknown[]) => string {
  return (...args: unknown[]) => {
    const options = args[args.length - 1] as { hash?: Record<string, unknown> };
    const format = args.length > 1 && typeof args[0] === 'string' ? args[0] : undefined;
    const zone = typeof options.hash?.tz === 'string' ? options.hash.tz : 'UTC';
    return moment(date).tz(zone).format(format);
  };
}

function fail(site: TemplateSite, problem: string): never {
  throw new MetadataError(site.input, problem, site.example, site.line);
}
