/**
 * Errors a user can act on. The runMain wrapper prints their message without a stack trace,
 * because the message already says what failed, why, and what to do next.
 */
export class ActionError extends Error {
  constructor(
    message: string,
    /** What the user should do next; printed after the message. */
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A bad input value: names the input, says what is wrong, and shows a value that would work. */
export class InputError extends ActionError {
  constructor(
    readonly input: string,
    readonly problem: string,
    readonly example: string,
  ) {
    super(`Input '${input}' ${problem}`, `For example: ${input}: ${asYamlValue(example)}`);
  }
}

/** Turns anything thrown into text, since JavaScript lets code throw non-Error values. */
export function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message || thrown.name;
  if (typeof thrown === 'string') return thrown;
  try {
    return JSON.stringify(thrown) ?? String(thrown);
  } catch {
    return String(thrown);
  }
}

function asYamlValue(example: string): string {
  if (!example.includes('\n')) return example;
  return `|\n${example
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n')}`;
}
