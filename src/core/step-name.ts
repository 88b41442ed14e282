/**
 * The `name` input two actions share: it tells apart two steps of one action in a job or two legs
 * of a matrix, so each keeps its own sticky comment, check run and summary heading.
 */
import { createHash } from 'node:crypto';
import * as core from '@actions/core';
import { InputError } from './errors.js';
import { readString } from './inputs.js';

const MAX_LENGTH = 100;

/** One line of plain text: it is shown in the summary heading and the comment. */
export function isStepName(name: string): boolean {
  return !/[\r\n]/.test(name) && name.length <= MAX_LENGTH;
}

/** Reads the `name` input; `example` is a right value for the error message. */
export function readStepName(example: string): string | undefined {
  const name = readString('name');
  if (name !== undefined && !isStepName(name)) {
    throw new InputError('name', `must be one line of at most ${MAX_LENGTH} characters.`, example);
  }
  return name;
}

/** "coverage (backend)", or the action alone without a name. */
export function titleWithName(action: string, name: string | undefined): string {
  return name ? `${action} (${name})` : action;
}

/**
 * The title a failure carries even when it happens before the inputs were read, so a matrix leg
 * that failed early still says which leg it was. An invalid name is left out, not repeated.
 */
export function stepTitle(action: string): string {
  const name = core.getInput('name');
  return titleWithName(action, name && isStepName(name) ? name : undefined);
}

/**
 * The sticky comment's key: one comment per `name`. Names that are not key-safe get a hash so two
 * never share a key.
 */
export function commentKey(action: string, name: string | undefined): string {
  return name ? `${action}-${keySlug(name)}` : action;
}

/**
 * `name` as letters, digits, `.`, `_` and `-`, for keys and categories that must stay the same
 * from run to run. A name that is not safe as it is gets a hash of itself appended, so two names
 * that slug alike (`a b`, `a/b`) never share a key.
 */
export function keySlug(name: string): string {
  const slug = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  if (slug === name) return slug;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return slug ? `${slug}-${hash}` : hash;
}
