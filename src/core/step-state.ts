/**
 * What a main step saves for its post step (core.saveState), typed and checked on the way back:
 * post runs whatever main did, so a state it cannot read is reported and ignored rather than
 * acted on half-understood.
 */
import * as core from '@actions/core';
import { isObject } from './reports/json.js';

export interface StepState<T> {
  readonly key: string;
  save(state: T): void;
  /** The saved state; undefined when main saved none or saved something this version cannot read. */
  read(): T | undefined;
}

/**
 * `problemOf` names what is wrong with a parsed value (e.g. "'phase' is not text"), or returns
 * undefined when it is a T.
 */
export function stepState<T>(
  key: string,
  problemOf: (value: unknown) => string | undefined,
): StepState<T> {
  return {
    key,
    save: (state) => core.saveState(key, JSON.stringify(state)),
    read: () => {
      const saved = core.getState(key);
      if (!saved) return undefined;
      let value: unknown;
      try {
        value = JSON.parse(saved);
      } catch {
        core.warning(
          `The state the main step saved (${key}) is not JSON; the post step ignores it.`,
        );
        return undefined;
      }
      const problem = isObject(value) ? problemOf(value) : 'it is not a JSON object';
      if (problem) {
        core.warning(`The state the main step saved (${key}) cannot be used: ${problem}.`);
        return undefined;
      }
      return value as T;
    },
  };
}

/** The first field of `value` that is not of its expected type, as a problem for stepState. */
export function fieldProblem(
  value: unknown,
  fields: Readonly<
    Record<string, 'string' | 'number' | 'boolean' | 'array' | 'string?' | 'number?'>
  >,
): string | undefined {
  if (!isObject(value)) return 'it is not a JSON object';
  for (const [name, type] of Object.entries(fields)) {
    const field = value[name];
    const optional = type.endsWith('?');
    if (optional && field === undefined) continue;
    const base = type.replace('?', '');
    const ok = base === 'array' ? Array.isArray(field) : typeof field === base;
    if (!ok) return `'${name}' is not ${base === 'array' ? 'a list' : `a ${base}`}`;
  }
  return undefined;
}
