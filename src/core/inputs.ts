import * as core from '@actions/core';
import { parseDuration, formatDuration } from './duration.js';
import { InputError } from './errors.js';
import { parseImageReferenceInput } from './image-reference.js';
import { checkKubernetesNameInput, type KubernetesNameRule } from './kubernetes-name.js';
import { checkUrlInput } from './url.js';
import { checkKubeconfigContext } from './kubectl.js';
import { registerSecretWithDerivations } from './secrets.js';
import { parseYaml, YamlError } from './yaml.js';

/**
 * Readers for action inputs. Each returns a typed value or throws InputError naming the input,
 * saying what is wrong and showing a value that would work. Inputs are read through
 * core.getInput, so they come from INPUT_<NAME> exactly as the runner provides them.
 */

interface ReadOptions {
  required?: boolean;
}

function raw(name: string, options: ReadOptions | undefined, example: string): string | undefined {
  const value = core.getInput(name);
  if (value !== '') return value;
  if (options?.required) throw new InputError(name, 'is required but was not set.', example);
  return undefined;
}

/**
 * A token or password input. It is registered as a secret the moment it is read, so everything
 * written after (the summary, a comment, outputs) has it masked even before any client uses it.
 */
export function readSecret(name: string): string | undefined {
  const value = core.getInput(name).trim() || undefined;
  registerSecretWithDerivations(value);
  return value;
}

export function readString(
  name: string,
  options: ReadOptions & { example?: string; pattern?: RegExp; default?: string } = {},
): string | undefined {
  const example = options.example ?? 'some-value';
  const value = raw(name, options, example) ?? options.default;
  if (value !== undefined && options.pattern && !options.pattern.test(value)) {
    throw new InputError(name, `must match ${options.pattern}, got '${value}'.`, example);
  }
  return value;
}

export function readRequiredString(
  name: string,
  options: { example?: string; pattern?: RegExp } = {},
): string {
  return readString(name, { ...options, required: true }) as string;
}

/** Only true/false in any letter case: 'yes' or '1' are rejected rather than guessed at. */
export function readBoolean(name: string, defaultValue: boolean): boolean {
  const value = raw(name, undefined, 'true');
  if (value === undefined) return defaultValue;
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new InputError(name, `must be true or false, got '${value}'.`, String(!defaultValue));
}

export function readInteger(
  name: string,
  options: { default: number; min?: number; max?: number },
): number {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
  const example = String(options.default);
  const value = raw(name, undefined, example);
  if (value === undefined) return options.default;
  if (!/^[-+]?\d+$/.test(value)) {
    throw new InputError(name, `must be a whole number, got '${value}'.`, example);
  }
  const parsed = Number(value);
  if (parsed < min || parsed > max) {
    throw new InputError(name, `must be between ${min} and ${max}, got ${value}.`, example);
  }
  return parsed;
}

/** A decimal number such as a percentage (`80`, `92.5`); undefined when the input is empty. */
export function readNumber(
  name: string,
  options: { min?: number; max?: number; example: string },
): number | undefined {
  const value = raw(name, undefined, options.example);
  if (value === undefined) return undefined;
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(value)) {
    throw new InputError(name, `must be a number, got '${value}'.`, options.example);
  }
  const parsed = Number(value);
  const { min = -Infinity, max = Infinity } = options;
  if (parsed < min || parsed > max) {
    throw new InputError(name, `must be between ${min} and ${max}, got ${value}.`, options.example);
  }
  return parsed;
}

/** Durations carry a unit (`90s`, `5m`, `1h30m`); returns milliseconds. */
export function readDuration(
  name: string,
  options: { default: string; minMs?: number; maxMs?: number },
): number {
  const example = options.default;
  const value = raw(name, undefined, example) ?? options.default;
  const ms = parseDuration(value);
  if (ms === undefined) {
    const hint = /^\d+(\.\d+)?$/.test(value.trim())
      ? ` A bare number has no unit: write '${value.trim()}s' for seconds or '${value.trim()}m' for minutes.`
      : ' Use a number followed by h, m, s or ms.';
    throw new InputError(
      name,
      `must be a duration such as 90s, 5m or 1h30m, got '${value}'.${hint}`,
      example,
    );
  }
  if (options.minMs !== undefined && ms < options.minMs) {
    throw new InputError(
      name,
      `must be at least ${formatDuration(options.minMs)}, got '${value}'.`,
      example,
    );
  }
  if (options.maxMs !== undefined && ms > options.maxMs) {
    throw new InputError(
      name,
      `must be at most ${formatDuration(options.maxMs)}, got '${value}'.`,
      example,
    );
  }
  return ms;
}

export function readEnum<T extends string>(
  name: string,
  allowed: readonly T[],
  defaultValue: T,
): T {
  const value = raw(name, undefined, defaultValue);
  if (value === undefined) return defaultValue;
  const match = allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
  if (match === undefined) {
    throw new InputError(
      name,
      `must be one of ${allowed.join(', ')}, got '${value}'.`,
      defaultValue,
    );
  }
  return match;
}

/**
 * Lists are newline- or comma-separated, like metadata-action's; lines starting with `#` are
 * comments. `commas: false` keeps commas inside items (for values that contain them).
 */
export function readList(name: string, options: { commas?: boolean } = {}): string[] {
  const value = core.getInput(name);
  const lines = value.split(/\r?\n/).filter((line) => !line.trim().startsWith('#'));
  const items = options.commas === false ? lines : lines.flatMap((line) => line.split(','));
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

/** `key=value` lines (or comma-separated pairs); a repeated key is an error, not a silent override. */
export function readMap(name: string, options: { example?: string } = {}): Map<string, string> {
  const example = options.example ?? 'team=payments';
  const result = new Map<string, string>();
  for (const item of readList(name, { commas: false })) {
    const separator = item.indexOf('=');
    if (separator <= 0) {
      throw new InputError(name, `has '${item}', which is not a key=value pair.`, example);
    }
    const key = item.slice(0, separator).trim();
    if (result.has(key)) throw new InputError(name, `sets '${key}' more than once.`, example);
    result.set(key, item.slice(separator + 1).trim());
  }
  return result;
}

/**
 * A YAML (or JSON) value; `check` narrows it and returns a problem description, or undefined.
 * Asynchronous because the YAML library is loaded on first use (core/yaml.ts); an empty input
 * gives the default without loading it.
 */
export async function readYaml<T>(
  name: string,
  options: { example: string; check?: (value: unknown) => string | undefined; default?: T },
): Promise<T | undefined> {
  const value = core.getInput(name);
  if (value === '') return options.default;
  let parsed: unknown;
  try {
    parsed = await parseYaml(value);
  } catch (error) {
    if (!(error instanceof YamlError)) throw error;
    throw new InputError(name, `is not valid YAML: ${error.message}`, options.example);
  }
  const problem = options.check?.(parsed);
  if (problem) throw new InputError(name, problem, options.example);
  return parsed as T;
}

/**
 * One image reference (`ghcr.io/acme/web:1.2.3`, `…@sha256:…`), checked by core's one grammar;
 * returns the trimmed text as given, or undefined when the input is empty and not required.
 */
export function readImageReference(
  name: string,
  options: { example: string; required?: boolean; requiredProblem?: string },
): string | undefined {
  const value = presentOrMissing(name, core.getInput(name).trim(), options);
  if (value !== undefined) parseImageReferenceInput(name, value, options.example);
  return value;
}

/**
 * The value, or undefined when empty; an empty required input is the one error every reader
 * gives for it.
 */
function presentOrMissing(
  name: string,
  value: string | undefined,
  options: { example: string; required?: boolean; requiredProblem?: string },
): string | undefined {
  if (value !== undefined && value !== '') return value;
  if (options.required) {
    throw new InputError(
      name,
      options.requiredProblem ?? 'is required but was not set.',
      options.example,
    );
  }
  return undefined;
}

/**
 * A Kubernetes object name of the kind the object needs (see kubernetes-name.ts); `what` says
 * which object, e.g. "a namespace name". Undefined when empty and not required.
 */
export function readKubernetesName(
  name: string,
  options: KubernetesNameRule & { what: string; example: string; required?: boolean },
): string | undefined {
  const value = presentOrMissing(name, core.getInput(name).trim(), options);
  return value === undefined ? undefined : checkKubernetesNameInput(name, value, options);
}

/**
 * An absolute http(s) URL, trimmed; undefined when empty and not required. With `secret`, a bad
 * value is not repeated in the error (webhook URLs are credentials).
 */
export function readUrl(
  name: string,
  options: {
    example: string;
    required?: boolean;
    requiredProblem?: string;
    default?: string;
    secret?: boolean;
  },
): string | undefined {
  const value = presentOrMissing(name, core.getInput(name).trim() || options.default, options);
  return value === undefined ? undefined : checkUrlInput(name, value, options);
}

/**
 * The kubeconfig and context inputs every cluster action has, checked together: without a context
 * input the kubeconfig must name a current-context.
 */
export async function readKubeconfigInputs(contextExample: string): Promise<{
  kubeconfig: string | undefined;
  context: string | undefined;
}> {
  const kubeconfig = readString('kubeconfig', { example: '${{ secrets.KUBECONFIG }}' });
  const context = readString('context', { example: contextExample })?.trim() || undefined;
  await checkKubeconfigContext(kubeconfig, context);
  return { kubeconfig, context };
}
