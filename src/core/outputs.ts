import * as core from '@actions/core';
import { maskSecrets } from './secrets.js';

/** Sets outputs, masking any registered secret a value might contain. */
export function setOutputs(outputs: Record<string, string | number | boolean | undefined>): void {
  for (const [name, value] of Object.entries(outputs)) {
    if (value !== undefined) core.setOutput(name, maskSecrets(String(value)));
  }
}

/** Every action sets `result`: one JSON object with everything it decided. */
export function setResultOutput(result: object): void {
  core.setOutput('result', maskSecrets(JSON.stringify(result)));
}
