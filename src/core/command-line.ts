import { parse } from 'shell-quote';

/**
 * Splits a command line (quality-gate's `run:`, the canary's `load-test`) into a program and its
 * arguments the way a shell would quote them, without a shell: nothing in it can start another
 * command. Environment variables are expanded from the step's environment. Shell syntax (pipes, redirects, `&&`, `$(...)`) is
 * refused rather than passed through, since without a shell it would silently mean something else.
 */
export type SplitCommand = { program: string; args: string[] } | { problem: string };

export function splitCommandLine(
  commandLine: string,
  env: NodeJS.ProcessEnv = process.env,
): SplitCommand {
  const words: string[] = [];
  for (const entry of parse(commandLine, (name) => env[name] ?? '')) {
    if (typeof entry === 'string') {
      words.push(entry);
    } else if ('pattern' in entry) {
      // Without a shell nothing expands globs; the program receives the pattern, as eslint expects.
      words.push(entry.pattern);
    } else if ('comment' in entry) {
      break;
    } else {
      return { problem: `uses the shell operator '${entry.op}'` };
    }
  }
  if (words.length === 0) return { problem: 'is empty' };
  const [program, ...args] = words;
  return { program, args };
}
