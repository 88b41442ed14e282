/** The service's one piece of logic: a greeting for a name taken from a query string. */

export const MAX_NAME_LENGTH = 40;

/**
 * @param {string | null | undefined} name
 * @returns {{ ok: true, greeting: string } | { ok: false, problem: string }}
 */
export function greet(name) {
  const trimmed = (name ?? '').trim();
  if (trimmed === '') return { ok: true, greeting: 'Hello, world!' };
  if (trimmed.length > MAX_NAME_LENGTH) {
    return { ok: false, problem: `name is longer than ${MAX_NAME_LENGTH} characters` };
  }
  if (!/^[\p{L}\p{N} .'-]+$/u.test(trimmed)) {
    return { ok: false, problem: "name may hold letters, digits, spaces and . ' - only" };
  }
  return { ok: true, greeting: `Hello, ${trimmed}!` };
}
