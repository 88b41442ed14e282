/**
 * Stack traces of the minified bundles, read back in terms of the TypeScript sources. The bundles
 * ship their source maps beside them (dist/index.js.map) but do not turn Node's source-map
 * support on: that would parse megabytes of map at every start, and it cannot be switched on
 * after the bundle has loaded. Mapping here costs nothing until a trace is actually shown.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** A frame's location: file URL or absolute path of a .js file, line and column (1-based). */
const LOCATION = /(file:\/\/\/[^\s()]+?\.js|\/[^\s()]+?\.js):(\d+):(\d+)/g;

/**
 * The stack with every frame in a file that has a source map beside it (`<file>.map`) replaced
 * by the original source position; frames without a map or a mapping are left as they are.
 */
export function sourceMappedStack(stack: string): string {
  const maps = new Map<string, SourceMap | undefined>();
  return stack.replace(LOCATION, (whole, file: string, line: string, column: string) => {
    // A stack starts with the error's message, which may hold any text (a malformed file URL
    // among it): mapping must never throw while a failure is being reported.
    try {
      return mappedFrame(maps, file, Number(line), Number(column)) ?? whole;
    } catch {
      return whole;
    }
  });
}

function mappedFrame(
  maps: Map<string, SourceMap | undefined>,
  file: string,
  line: number,
  column: number,
): string | undefined {
  const path = file.startsWith('file:') ? fileURLToPath(file) : file;
  if (!maps.has(path)) maps.set(path, readSourceMap(path));
  const entry = maps.get(path)?.findEntry(line - 1, column - 1);
  if (!entry || !('originalSource' in entry) || !entry.originalSource) return undefined;
  // ncc names sources webpack://<package>/./src/...: the repository path is what helps.
  const source = entry.originalSource.replace(/^webpack:\/\/[^/]*\/(?:\.\/)?/, '');
  return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
}

function readSourceMap(path: string): SourceMap | undefined {
  const mapPath = `${path}.map`;
  if (!existsSync(mapPath)) return undefined;
  try {
    return new SourceMap(JSON.parse(readFileSync(mapPath, 'utf8')));
  } catch {
    // An unreadable map must not hide the failure being reported: keep the raw trace.
    return undefined;
  }
}
