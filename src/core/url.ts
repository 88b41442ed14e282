/**
 * URLs the actions call or link to: absolute http or https URLs with a host, as WHATWG URL parses
 * them. One grammar for every action, so the same URL gets the same answer everywhere.
 */
import { InputError } from './errors.js';

/** Why `text` is not an absolute http(s) URL, or undefined when it is one. */
export function httpUrlProblem(text: string): string | undefined {
  if (text.trim() === '') return 'it is empty';
  if (/\s/.test(text.trim())) return 'it contains whitespace';
  if (!/^[a-z][a-z0-9+.-]*:/i.test(text.trim())) {
    return 'it has no scheme; start it with https:// or http://';
  }
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return 'it cannot be parsed as a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `its scheme is ${url.protocol.slice(0, -1)}, not http or https`;
  }
  if (url.hostname === '') return 'it has no host';
  return undefined;
}

/** Parses an absolute http(s) URL; undefined when it is not one (httpUrlProblem says why). */
export function parseHttpUrl(text: string): URL | undefined {
  return httpUrlProblem(text) === undefined ? new URL(text.trim()) : undefined;
}

/**
 * Checks the URL an input gives and returns it trimmed; a bad one is an InputError naming the
 * input. With `secret`, the value is not repeated in the message (webhooks are credentials).
 */
export function checkUrlInput(
  input: string,
  text: string,
  options: { example: string; secret?: boolean },
): string {
  const problem = httpUrlProblem(text);
  if (problem === undefined) return text.trim();
  const shown = options.secret ? 'the value given' : `'${text.trim()}'`;
  throw new InputError(
    input,
    `must be an http(s) URL; ${shown} is not: ${problem}.`,
    options.example,
  );
}

/** Longer links are not documentation pages but noise that would eat the job summary's budget. */
export const MAX_LINK_CHARS = 2_048;

/**
 * A link taken from a report (a rule's documentation): an absolute http(s) URL, normalised, or
 * undefined. Anything else a report may hold there (javascript:, relative paths, credentials in
 * the URL, huge text) would be unsafe or useless as a link, so it is dropped, not an error.
 */
export function reportLinkOrUndefined(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_LINK_CHARS) return undefined;
  const url = parseHttpUrl(value);
  if (url === undefined || url.username !== '' || url.password !== '') return undefined;
  return url.href.length > MAX_LINK_CHARS ? undefined : url.href;
}

/** Query values often carry tokens or signatures; their names are enough to debug with. */
export function redactUrl(url: URL | string): string {
  const shown = new URL(url);
  shown.username = '';
  shown.password = '';
  shown.hash = '';
  const names = [...new Set(shown.searchParams.keys())];
  shown.search = '';
  const query = names.map((name) => `${encodeURIComponent(name)}=***`).join('&');
  return query ? `${shown.href}?${query}` : shown.href;
}
