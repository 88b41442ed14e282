import * as core from '@actions/core';

/**
 * Values that must never reach logs, outputs, summaries or annotations. The runner masks what
 * `core.setSecret` registers in its own log, but text we return or write to files (outputs,
 * summaries, error messages) is ours to mask, so we keep the same list in process.
 */
const registered = new Set<string>();

/** Shorter values would mask ordinary words everywhere; the runner warns about them too. */
const MIN_SECRET_LENGTH = 4;

export function registerSecret(value: string | undefined): void {
  if (!value || value.length < MIN_SECRET_LENGTH || registered.has(value)) return;
  registered.add(value);
  core.setSecret(value);
  // The runner masks whole lines of multi-line values; mask each line here as it does.
  for (const line of value.split(/\r?\n/)) {
    if (line.trim().length >= MIN_SECRET_LENGTH && !registered.has(line)) {
      registered.add(line);
      core.setSecret(line);
    }
  }
}

/**
 * Registers a secret together with the encodings it commonly travels in (base64 for basic auth
 * and Kubernetes secrets, URL encoding for query strings), because a transformed secret is not
 * masked by the runner.
 */
export function registerSecretWithDerivations(value: string | undefined): void {
  if (!value) return;
  registerSecret(value);
  registerSecret(Buffer.from(value).toString('base64'));
  registerSecret(encodeURIComponent(value));
}

export function maskSecrets(text: string): string {
  let masked = text;
  // Longest first, so a secret that contains another is replaced whole.
  const byLength = [...registered].sort((a, b) => b.length - a.length);
  for (const secret of byLength) masked = masked.split(secret).join('***');
  return masked;
}

/** For tests that register secrets in one process across cases. */
export function forgetSecretsForTesting(): void {
  registered.clear();
}
