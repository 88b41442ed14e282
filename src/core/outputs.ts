import * as core from '@actions/core';
import { maskSecrets } from './secrets.js';

/** Sets outputs, masking any registered secret a value might contain. */
export function setOutputs(outputs: Record<string, string | number | boolean | undefined>): void {
  for (const [name, value] of Object.entries(outputs)) {
    if (value !== undefined) core.setOutput(name, maskSecrets(String(value)));
  }
}

let resultWritten = false;

/** Every action sets `result`: one JSON object with everything it decided. */
export function setResultOutput(result: object): void {
  core.setOutput('result', maskSecrets(JSON.stringify(result)));
  resultWritten = true;
}

/** Whether this step has set `result` (runMain sets a failure result when it has not). */
export function resultOutputWritten(): boolean {
  return resultWritten;
}

/** Forgets that `result` was set: for runMain at the start of a step, and for tests. */
export function resetResultOutputWritten(): void {
  resultWritten = false;
}
