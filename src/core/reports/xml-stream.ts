import { TextDecoder } from 'node:util';
import { ReportError } from './source.js';
import type { ReportSource } from './source.js';

/**
 * Reads an XML report as a stream of events, so that a report of any size needs memory in
 * proportion to what the parser keeps, never to the file. Hostile input is refused: a DOCTYPE
 * (the door to entity expansion and external entities), unknown entities, nesting deeper than
 * any report needs, and anything that is not well-formed.
 */

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
}

export interface XmlVisitor {
  open(element: XmlElement): void;
  close(name: string): void;
  /** Character data and CDATA sections, in document order, possibly in several pieces. */
  text(text: string): void;
}

export interface XmlReportShape {
  /** For error messages: where the report came from. */
  origin: string;
  /** For error messages, e.g. "JUnit". */
  formatName: string;
  /** Root elements this format may have. */
  roots: readonly string[];
}

/** Message, details and output strings are cut to this many characters. */
export const MAX_REPORT_TEXT = 4000;

/**
 * saxes accumulates a text node, CDATA section or attribute value until it ends, so a single
 * 50 MB <system-out> would become one 50 MB string inside the parser. Between chunks we cut
 * that buffer to its head, which is all we ever keep.
 */
const MAX_PARSER_BUFFER = 64 * 1024;

/** JUnit nests suites a few levels deep; thousands of levels only serve to exhaust memory. */
const MAX_DEPTH = 256;

export async function readXmlReport(
  source: ReportSource,
  shape: XmlReportShape,
  visitor: XmlVisitor,
): Promise<void> {
  const { origin } = shape;
  // Loaded by the first XML report: saxes is ~29 KB that runs reading only LCOV or JSON skip.
  const { SaxesParser } = await import('saxes');
  const parser = new SaxesParser<{ xmlns: false; position: true }>({
    xmlns: false,
    position: true,
  });
  const parserBuffer = parser as unknown as { text: string };
  let depth = 0;
  let sawRoot = false;
  let sawCharacters = false;

  parser.on('doctype', () => {
    throw new ReportError(
      origin,
      'contains a DOCTYPE declaration; DTDs are not accepted in reports, because they allow ' +
        'entity expansion and external entities. Produce the report without a DOCTYPE.',
    );
  });
  parser.on('opentag', (tag) => {
    if (!sawRoot) {
      sawRoot = true;
      if (!shape.roots.includes(tag.name)) throw wrongRoot(shape, tag.name);
    }
    depth += 1;
    if (depth > MAX_DEPTH) {
      throw new ReportError(origin, `nests elements more than ${MAX_DEPTH} levels deep.`);
    }
    visitor.open({ name: tag.name, attributes: tag.attributes });
  });
  parser.on('closetag', (tag) => {
    depth -= 1;
    visitor.close(tag.name);
  });
  parser.on('text', (text) => visitor.text(text));
  parser.on('cdata', (text) => visitor.text(text));

  const write = (text: string | null): void => {
    try {
      parser.write(text);
    } catch (error) {
      if (error instanceof ReportError) throw error;
      throw malformed(shape, sawRoot, parser.line, error);
    }
    if (parserBuffer.text.length > MAX_PARSER_BUFFER) {
      parserBuffer.text = parserBuffer.text.slice(0, MAX_PARSER_BUFFER);
    }
  };

  let decoder: TextDecoder | undefined;
  try {
    for await (const chunk of source.open()) {
      const bytes = chunk as Buffer;
      decoder ??= new TextDecoder(encodingFromByteOrderMark(bytes));
      const text = decoder.decode(bytes, { stream: true });
      if (!sawCharacters && text.trim() !== '') sawCharacters = true;
      write(text);
    }
  } catch (error) {
    if (error instanceof ReportError) throw error;
    throw new ReportError(origin, `could not be read: ${(error as Error).message}`);
  }
  if (decoder !== undefined) write(decoder.decode());
  if (!sawCharacters) {
    throw new ReportError(origin, `is empty; expected a ${shape.formatName} XML report.`);
  }
  write(null);
}

/** Keeps the head of a long text as it arrives, without ever holding more than `max` chars. */
export class CappedText {
  private readonly parts: string[] = [];
  private length = 0;
  private truncated = false;

  constructor(private readonly max: number = MAX_REPORT_TEXT) {}

  append(text: string): void {
    const room = this.max - this.length;
    if (text.length > room) this.truncated = true;
    if (room <= 0) return;
    const kept = text.length > room ? text.slice(0, room) : text;
    this.parts.push(kept);
    this.length += kept.length;
  }

  /** The text so far, trimmed, marked when cut; detached from the parser's chunks. */
  value(): string {
    const text = this.parts.join('').trim();
    return ownCopy(this.truncated ? `${text} … (truncated)` : text);
  }
}

/**
 * V8 represents a slice of a long string as a view that keeps the whole original alive. Strings
 * kept after parsing (findings, notable tests) would otherwise pin every 64 KiB chunk they came
 * from; a round trip through bytes makes an independent copy.
 */
export function ownCopy(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}

function encodingFromByteOrderMark(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  return 'utf-8';
}

function wrongRoot(shape: XmlReportShape, root: string): ReportError {
  const expected = shape.roots.map((name) => `<${name}>`).join(' or ');
  return new ReportError(
    shape.origin,
    `has the root element <${root}>, not ${expected}; it is not a ${shape.formatName} report.`,
  );
}

function malformed(
  shape: XmlReportShape,
  sawRoot: boolean,
  line: number,
  error: unknown,
): ReportError {
  // saxes prefixes its messages with "line:column: "; the line is reported our way.
  const reason = String((error as Error).message ?? error)
    .replace(/^\d+:\d+:\s*/, '')
    .replace(/\.$/, '');
  if (!sawRoot) {
    return new ReportError(
      shape.origin,
      `is not an XML document (line ${line}: ${reason}); expected a ${shape.formatName} report.`,
    );
  }
  return new ReportError(shape.origin, `is truncated or not well-formed (line ${line}): ${reason}`);
}
