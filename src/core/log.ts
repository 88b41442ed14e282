/**
 * Untrusted text in the log. The runner reads workflow commands from every line an action
 * prints: `::name::` after leading whitespace, and the legacy `##[name]` anywhere in a line. Text a
 * pull request controls (file and test names, messages, paths, program output) must never be
 * read as one, or it could stop command processing, register masks or save state.
 *
 * - Short untrusted values inside our own log lines go through `escapeUntrusted`.
 * - Whole program output goes between stop-commands markers with `UntrustedOutput`.
 */
import { randomUUID } from 'node:crypto';

// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/**
 * Makes untrusted text safe to print on one log line: line breaks and control characters are
 * shown as escapes (so the text cannot start a line of its own), `##[` and a leading `::` are
 * broken up so that the runner cannot read them as a command. Readers still recognise the text.
 */
export function escapeUntrusted(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n')
    .replace(/\t/g, '\\t')
    .replace(CONTROL, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/##\[/g, '##\\[')
    .replace(/^(\s*)::/, '$1\\::');
}

/**
 * Prints untrusted program output as text: the runner stops reading commands at
 * `::stop-commands::TOKEN` until a line `::TOKEN::`. The token is random, so the output cannot
 * resume commands itself, and the resume marker always starts a line of its own, even when the
 * output does not end with a newline (else the marker would be swallowed into the last line and
 * commands would stay off for the rest of the step).
 */
export class UntrustedOutput {
  private readonly token = randomUUID();
  private atLineStart = true;
  private closed = false;

  constructor(
    private readonly write: (text: string) => void = (text) => process.stdout.write(text),
  ) {
    this.write(`::stop-commands::${this.token}\n`);
  }

  /** Passes a chunk of the program's output through unchanged. */
  print = (chunk: string): void => {
    if (this.closed || chunk === '') return;
    this.write(chunk);
    this.atLineStart = chunk.endsWith('\n');
  };

  /** Ends the untrusted block: commands are read again from the next line on. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.write(`${this.atLineStart ? '' : '\n'}::${this.token}::\n`);
  }
}

/** Prints a finished program's untrusted output in one stop-commands block. */
export function printUntrusted(text: string, write?: (text: string) => void): void {
  const output = new UntrustedOutput(write);
  output.print(text.endsWith('\n') || text === '' ? text : `${text}\n`);
  output.close();
}

/** Runs `body` with untrusted output printed through one stop-commands block. */
export async function withUntrustedOutput<T>(
  body: (print: (chunk: string) => void) => Promise<T>,
  write?: (text: string) => void,
): Promise<T> {
  const output = new UntrustedOutput(write);
  try {
    return await body(output.print);
  } finally {
    output.close();
  }
}
