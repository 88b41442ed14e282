import { CappedText } from '../../core/reports/xml-stream.js';

/**
 * Small pieces the .NET test report readers (TRX, NUnit 3, xUnit.net v2) share: their texts come
 * in child elements rather than attributes, and TRX writes durations as .NET TimeSpans. What JUnit
 * shares with them too is in test-xml.ts.
 */

/** The first non-blank line of a text, trimmed; "" when there is none. */
export function firstLine(text: string): string {
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed !== '') return trimmed;
  }
  return '';
}

/**
 * A .NET TimeSpan as TRX writes it ("c" format: [d.]hh:mm:ss[.fffffff]), e.g. "00:00:00.0012345",
 * in whole milliseconds.
 */
export function timeSpanToMs(span: string | undefined): number | undefined {
  const match = /^\s*(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?\s*$/.exec(span ?? '');
  if (match === null) return undefined;
  const [, days = '0', hours = '0', minutes = '0', seconds = '0', fraction = ''] = match;
  const wholeSeconds =
    ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds);
  return Math.round((wholeSeconds + Number(`0.${fraction || '0'}`)) * 1000);
}

/** The file name at the end of a POSIX or Windows path: the test assembly "Calc.Tests.dll". */
export function fileName(path: string): string {
  return path.split(/[\\/]/).at(-1) ?? path;
}

/**
 * Where the character data of an element belongs, keyed by its path below the element being read
 * (e.g. "failure/message"). Paths not listed are dropped, and so are repeats of a path already read
 * (NUnit lists one <assertion> per failed assert; the first speaks for the test).
 */
export class TextRouter<Key extends string> {
  private readonly path: string[] = [];
  private readonly sinks = new Map<string, CappedText>();
  private readonly finished = new Set<string>();

  constructor(private readonly keys: readonly Key[]) {}

  open(name: string): void {
    this.path.push(name);
  }

  close(): void {
    const key = this.path.join('/');
    if (this.sinks.has(key)) this.finished.add(key);
    this.path.pop();
  }

  /** True when no element below the one being read is open. */
  get atTop(): boolean {
    return this.path.length === 0;
  }

  text(text: string): void {
    const key = this.path.join('/');
    if (!(this.keys as readonly string[]).includes(key) || this.finished.has(key)) return;
    let sink = this.sinks.get(key);
    if (sink === undefined) {
      sink = new CappedText();
      this.sinks.set(key, sink);
    }
    sink.append(text);
  }

  /** The text read at a path, trimmed and capped; "" when there was none. */
  value(key: Key): string {
    // .NET writes Windows line ends, and the TRX writer escapes their CR as &#xD;.
    return this.sinks.get(key)?.value().replace(/\r\n?/g, '\n') ?? '';
  }
}
