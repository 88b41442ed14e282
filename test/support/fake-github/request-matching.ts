/**
 * Finds the documented operation a request's method and path name, the way GitHub routes it, and
 * splits its query string into named values.
 */
import type { LoadedApi, Method, Operation } from './openapi-spec.js';
import { checkParameters, Rejection } from './validation.js';

export function parseQuery(search: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [rawKey, value] of search) {
    const key = rawKey.endsWith('[]') ? rawKey.slice(0, -2) : rawKey;
    const previous = query[key];
    if (previous === undefined) query[key] = rawKey.endsWith('[]') ? [value] : value;
    else query[key] = [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return query;
}

interface Matched {
  operation: Operation;
  params: Record<string, unknown>;
}

export function matchOperation(
  api: LoadedApi,
  method: string,
  pathname: string,
): Matched | Rejection {
  const lower = method.toLowerCase() as Method;
  let firstParamProblem: Rejection | undefined;
  const allowed = new Set<string>();
  for (const entry of api.routes) {
    const match = entry.pattern.exec(pathname);
    if (!match) continue;
    const operation = entry.operations[lower];
    Object.keys(entry.operations).forEach((m) => allowed.add(m.toUpperCase()));
    if (!operation) continue;
    const rawParams: Record<string, string> = {};
    try {
      entry.names.forEach((name, index) => {
        rawParams[name] = decodeURIComponent(match[index + 1]!);
      });
    } catch {
      continue;
    }
    const checked = checkParameters(api, operation, 'path', rawParams);
    if (!(checked instanceof Rejection)) return { operation, params: checked };
    firstParamProblem ??= checked;
  }
  if (firstParamProblem) return firstParamProblem;
  if (allowed.size > 0) {
    return new Rejection(
      'method-not-allowed',
      404,
      'Not Found',
      `${method} is not documented for ${pathname} (documented: ${[...allowed].join(', ')})`,
    );
  }
  return new Rejection(
    'unknown-route',
    404,
    'Not Found',
    `no documented route matches ${pathname}`,
  );
}
