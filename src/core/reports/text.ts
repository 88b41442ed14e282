/** Messages and details are capped so that a hostile or huge report cannot exhaust memory. */
export const MAX_MESSAGE_CHARS = 4_000;
export const MAX_DETAILS_CHARS = 4_000;

export function capText(text: string, maxChars: number = MAX_MESSAGE_CHARS): string {
  if (text.length <= maxChars) return text;
  const marker = '… (truncated)';
  return text.slice(0, Math.max(0, maxChars - marker.length)) + marker;
}

// CSI sequences (colours, cursor movement) and the character-set designations (ESC ( B) that
// term-based emitters such as rustfmt's print after each coloured line.
const ESC = String.fromCharCode(0x1b);
const ANSI_ESCAPE = new RegExp(
  `${ESC}\\[[0-?]*[ -/]*[@-~]|${ESC}[()][0-9A-Za-z]|${ESC}[@-Z\\\\-_]`,
  'g',
);

export function stripAnsi(text: string): string {
  return text.replace(ANSI_ESCAPE, '');
}
