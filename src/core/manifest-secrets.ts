/**
 * The values of the Secrets a step deploys are secrets of the run: a pod or Job that prints one
 * (a migration echoing its DATABASE_URL) must not show it in the log or the job summary. Each is
 * registered as it is read, in the forms it travels in: as written in stringData, decoded from
 * data, and base64 (what `kubectl get -o yaml` prints).
 */
import { asMapping, type Mapping } from './mapping.js';
import { registerSecret, registerSecretWithDerivations } from './secrets.js';

/** registerSecret skips shorter values, as the runner does; their encodings are skipped too. */
const MIN_LENGTH = 4;

function registerValue(value: string): void {
  if (value.length >= MIN_LENGTH) registerSecretWithDerivations(value);
}

/** Registers every value of the Secret objects among `objects`; other objects are ignored. */
export function registerManifestSecrets(objects: readonly Mapping[]): void {
  for (const object of objects) {
    if (object.kind !== 'Secret') continue;
    for (const value of Object.values(asMapping(object.stringData))) {
      if (typeof value === 'string') registerValue(value);
    }
    for (const value of Object.values(asMapping(object.data))) {
      if (typeof value !== 'string') continue;
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      if (decoded.length < MIN_LENGTH) continue;
      registerSecret(value.replace(/\s+/g, ''));
      registerValue(decoded);
    }
  }
}
