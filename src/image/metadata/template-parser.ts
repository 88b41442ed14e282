/**
 * The `{{…}}` templates of metadata-action, parsed the way Handlebars (which metadata-action
 * renders them with) reads them, for the forms that have a meaning there: text, `{{name}}`,
 * `{{{name}}}` / `{{&name}}` (not HTML-escaped), `{{name 'arg' key='value'}}`, comments, `~`
 * whitespace control and `\{{` escapes. Blocks, partials and sub-expressions are reported as
 * unsupported rather than parsed.
 */

import {
  lexMustache,
  type Expression,
  type Param,
  type Piece,
  TemplateSyntaxError,
  UnsupportedConstructError,
} from './template-mustache.js';

export { TemplateSyntaxError, UnsupportedConstructError, type Expression, type Param };

export type TemplateNode = { kind: 'text'; text: string } | Expression;

export function parseTemplate(template: string): TemplateNode[] {
  const pieces = lex(template);
  applyWhitespaceControl(pieces);
  const nodes: TemplateNode[] = [];
  for (const piece of pieces) {
    if (piece.kind === 'text') {
      if (piece.text !== '') nodes.push({ kind: 'text', text: piece.text });
    } else if (piece.kind === 'expression') {
      const { name, params, hash, escaped } = piece;
      nodes.push({ kind: 'expression', name, params, hash, escaped });
    }
  }
  return nodes;
}

/** Whether the template is one `{{name}}` and nothing else, not even a comment or a space. */
export function isLoneExpression(template: string, name: string): boolean {
  try {
    const pieces = lex(template);
    return pieces.length === 1 && pieces[0].kind === 'expression' && pieces[0].name === name;
  } catch {
    return false;
  }
}

function lex(template: string): Piece[] {
  const pieces: Piece[] = [];
  const text = (value: string) => {
    if (value !== '') pieces.push({ kind: 'text', text: value, original: value });
  };
  let position = 0;
  while (position < template.length) {
    const open = template.indexOf('{{', position);
    if (open === -1) {
      text(template.slice(position));
      break;
    }
    const before = template.slice(position, open);
    if (before.endsWith('\\\\')) {
      // `\\{{name}}`: a literal backslash, then the expression.
      text(before.slice(0, -1));
    } else if (before.endsWith('\\')) {
      // `\{{name}}`: the braces are text, up to the next `{{` (or the escapes before it).
      text(before.slice(0, -1));
      const end = escapedTextEnd(template, open);
      text(template.slice(open, end));
      position = end;
      continue;
    } else {
      text(before);
    }
    const { piece, end } = lexMustache(template, open);
    pieces.push(piece);
    position = end;
  }
  return pieces;
}

/** Where text opened by `\{{` ends: before the next `{{`, `\{{` or `\\{{`. */
function escapedTextEnd(template: string, open: number): number {
  const next = template.indexOf('{{', open + 2);
  if (next === -1) return template.length;
  let end = next;
  while (end > open + 2 && next - end < 2 && template[end - 1] === '\\') end--;
  return end;
}

/**
 * Handlebars' whitespace control: `~` trims all whitespace on its side, and a comment alone on
 * its line takes the line's indentation and line break with it.
 */
function applyWhitespaceControl(pieces: Piece[]): void {
  pieces.forEach((piece, index) => {
    if (piece.kind === 'text') return;
    if (piece.close) trimText(pieces[index + 1], /^\s+/, 'start');
    if (piece.open) trimText(pieces[index - 1], /\s+$/, 'end');
    if (piece.kind === 'comment' && isStandalone(pieces, index)) {
      trimText(pieces[index + 1], /^[ \t]*\r?\n?/, 'start', true);
      trimText(pieces[index - 1], /[ \t]+$/, 'end', true);
    }
  });
}

function trimText(
  piece: Piece | undefined,
  pattern: RegExp,
  side: 'start' | 'end',
  once = false,
): void {
  if (piece?.kind !== 'text') return;
  const mark = side === 'start' ? 'rightStripped' : 'leftStripped';
  const marked = piece as Piece & Record<string, unknown>;
  if (once && marked[mark]) return;
  const trimmed = piece.text.replace(pattern, '');
  marked[mark] = trimmed !== piece.text;
  piece.text = trimmed;
}

function isStandalone(pieces: Piece[], index: number): boolean {
  const previous = pieces[index - 1];
  const beforePrevious = pieces[index - 2];
  const next = pieces[index + 1];
  const afterNext = pieces[index + 2];
  const previousBlank =
    previous === undefined ||
    (previous.kind === 'text' &&
      (beforePrevious ? /\r?\n\s*?$/ : /(^|\r?\n)\s*?$/).test(previous.original));
  const nextBlank =
    next === undefined ||
    (next.kind === 'text' && (afterNext ? /^\s*?\r?\n/ : /^\s*?(\r?\n|$)/).test(next.original));
  return previousBlank && nextBlank;
}
