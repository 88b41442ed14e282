/**
 * One `{{…}}` of a template, read as Handlebars' lexer and grammar read it (template-parser.ts
 * handles the text around it).
 */

export type Param =
  | { kind: 'string'; value: string }
  /** A number, true/false/null/undefined, or a path: never a format or a zone. */
  | { kind: 'other'; text: string };

export interface Expression {
  kind: 'expression';
  name: string;
  params: Param[];
  hash: { key: string; value: Param }[];
  escaped: boolean;
}

/** The template is not well-formed; the message says where and why. */
export class TemplateSyntaxError extends Error {}

/** The template uses a Handlebars construct (block, partial, …) that has no meaning here. */
export class UnsupportedConstructError extends Error {}

/** A lexed piece; `original` keeps text before whitespace control, which standalone tests read. */
export type Piece =
  | { kind: 'text'; text: string; original: string; stripped?: boolean }
  | { kind: 'comment'; open: boolean; close: boolean }
  | (Expression & { open: boolean; close: boolean });

export function lexMustache(template: string, open: number): { piece: Piece; end: number } {
  const at = `at character ${open + 1}`;
  let cursor = open + 2;
  const leftStrip = template[cursor] === '~';
  if (leftStrip) cursor++;
  if (template.startsWith('!', cursor)) return lexComment(template, cursor, leftStrip, at);
  const opener = template[cursor];
  if (opener === '{' && template[cursor + 1] === '{') {
    throw new UnsupportedConstructError(`raw block ${at}`);
  }
  if ('#^/>*'.includes(opener ?? '')) {
    throw new UnsupportedConstructError(`{{${opener}…}} ${at}`);
  }
  const triple = opener === '{';
  const escaped = !triple && opener !== '&';
  if (!escaped) cursor++;
  const reader = new MustacheReader(template, cursor, at, triple);
  const expression = reader.read();
  return {
    piece: { ...expression, escaped, open: leftStrip, close: reader.rightStrip },
    end: reader.position,
  };
}

/** `{{! … }}` ends at the first `}}`; `{{!-- … --}}` may hold `}}` and ends at `--}}`. */
function lexComment(
  template: string,
  bang: number,
  leftStrip: boolean,
  at: string,
): { piece: Piece; end: number } {
  const long = template.startsWith('!--', bang);
  const closing = (long ? /--(~?)\}\}/g : /(~?)\}\}/g) as RegExp;
  closing.lastIndex = bang + (long ? 3 : 1);
  const close = closing.exec(template);
  if (close === null) throw new TemplateSyntaxError(`the comment opened ${at} is not closed`);
  return {
    piece: { kind: 'comment', open: leftStrip, close: close[1] === '~' },
    end: closing.lastIndex,
  };
}

/** `[^\s!"#%-,./;->@[-^`{-~]`: the characters Handlebars allows in a name. */
const ID = /[^\s!"#%-,./;->@[-^`{-~]+/y;
const NUMBER = /-?\d+(?:\.\d+)?(?=[~}\s)])/y;
const LITERAL = /(?:true|false|null|undefined)(?=[~}\s)])/y;
const STRING = /"((?:\\"|[^"])*)"|'((?:\\'|[^'])*)'/y;
const SEGMENT = /\[(?:\\\]|[^\]])*\]/y;

/** Reads `name params… key=value… }}` of one mustache. */
class MustacheReader {
  rightStrip = false;

  constructor(
    private readonly template: string,
    public position: number,
    private readonly at: string,
    private readonly triple: boolean,
  ) {}

  read(): Expression {
    this.skipSpace();
    const name = this.readName();
    const params: Param[] = [];
    const hash: Expression['hash'] = [];
    for (;;) {
      // A name must end at a space or a closing brace; a quoted string ends at its quote.
      const afterQuote =
        this.template[this.position - 1] === "'" || this.template[this.position - 1] === '"';
      const hadSpace = this.skipSpace();
      if (this.readClose()) return { kind: 'expression', name, params, hash, escaped: true };
      if (!hadSpace && !afterQuote) this.fail(`expected a space or '}}'`);
      const key = this.hashKey();
      if (key !== undefined) {
        this.skipSpace();
        hash.push({ key, value: this.readParam() });
      } else if (hash.length > 0) {
        this.fail('an argument after key=value pairs');
      } else {
        params.push(this.readParam());
      }
    }
  }

  private readName(): string {
    const string = this.match(STRING);
    if (string !== undefined) return unquote(string);
    const literal = this.match(NUMBER) ?? this.match(LITERAL);
    if (literal !== undefined) return literal;
    const path = this.readPath();
    if (path === undefined) this.fail('expected a name after {{');
    return path;
  }

  private readParam(): Param {
    if (this.template[this.position] === '(') {
      throw new UnsupportedConstructError(`sub-expression (…) ${this.at}`);
    }
    const string = this.match(STRING);
    if (string !== undefined) return { kind: 'string', value: unquote(string) };
    const text = this.match(NUMBER) ?? this.match(LITERAL) ?? this.readPath();
    if (text === undefined) this.fail('expected a quoted value or a name');
    return { kind: 'other', text };
  }

  /** A name such as `branch`, `a.b`, `../x`, `@root` or `[with space]`, as Handlebars spells it. */
  private readPath(): string | undefined {
    const data = this.template[this.position] === '@';
    if (data) this.position++;
    let path = data ? '@' : '';
    for (;;) {
      const segment = this.match(SEGMENT);
      const part = segment !== undefined ? segment.slice(1, -1) : this.match(ID);
      const dots = part === undefined ? this.match(/\.\.?(?=[=~}\s/.)])/y) : undefined;
      if (part === undefined && dots === undefined) return path === '' ? undefined : path;
      path += part ?? dots;
      const separator = this.template[this.position];
      if (separator !== '.' && separator !== '/') return path;
      path += separator;
      this.position++;
    }
  }

  private hashKey(): string | undefined {
    const key = /([^\s!"#%-,./;->@[-^`{-~]+)\s*=/y;
    key.lastIndex = this.position;
    const found = key.exec(this.template);
    if (found === null) return undefined;
    this.position = key.lastIndex;
    return found[1];
  }

  private readClose(): boolean {
    const rest = this.template.slice(this.position, this.position + 4);
    // Handlebars reads `}}}` as the end of `{{{`, even after `{{`.
    if (!this.triple && /^\}~?\}\}/.test(rest)) this.fail("'}}}' closing '{{'");
    const close = (this.triple ? /^\}(~?)\}\}/ : /^(~?)\}\}/).exec(rest);
    if (close !== null) {
      this.rightStrip = close[1] === '~';
      this.position += close[0].length;
      return true;
    }
    if (this.triple && /^~?\}\}/.test(rest)) this.fail("expected '}}}' to close '{{{'");
    if (this.position >= this.template.length) {
      throw new TemplateSyntaxError(`the {{ opened ${this.at} is not closed`);
    }
    return false;
  }

  private skipSpace(): boolean {
    const start = this.position;
    while (/\s/.test(this.template[this.position] ?? '')) this.position++;
    return this.position > start;
  }

  private match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.position;
    const found = pattern.exec(this.template);
    if (found === null) return undefined;
    this.position = pattern.lastIndex;
    return found[0];
  }

  private fail(problem: string): never {
    throw new TemplateSyntaxError(`${problem}, in the {{ opened ${this.at}`);
  }
}

function unquote(literal: string): string {
  const quote = literal[0];
  return literal.slice(1, -1).replaceAll(`\\${quote}`, quote);
}
