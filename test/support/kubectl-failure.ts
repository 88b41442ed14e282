import { ExecError, type ExecResult } from '../../src/core/exec.js';

/** A failed kubectl call as execute() reports it. */
export function kubectlFailed(stderr: string, overrides: Partial<ExecResult> = {}): ExecError {
  return new ExecError({
    commandLine: 'kubectl --namespace prod get pods -o json',
    exitCode: 1,
    signal: null,
    stdout: '',
    stderr,
    stdoutTruncated: false,
    timedOut: false,
    durationMs: 1_200,
    ...overrides,
  });
}
