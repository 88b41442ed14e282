/**
 * Kustomizations rendered with kubectl's built-in kustomize (`kubectl kustomize <dir>`), so there
 * is nothing to download and the version is the one `kubectl apply -k` would use. Plugins, exec
 * functions and Helm stay off (kubectl's defaults), so rendering a pull request's kustomization
 * runs nothing it names.
 */
import { readdir, stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { ActionError, InputError } from './errors.js';
import { execute } from './exec.js';
import { defaultKubectlProgram } from './kubectl.js';
import { escapeUntrusted } from './log.js';
import { isGlob, parseManifestText, readManifests, type ManifestDocument } from './manifests.js';

/** The names kustomize looks for in a directory, in its own order. */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

const DEFAULT_TIMEOUT_MS = 60_000;
/** kubectl's message is usually one line; a runaway one is cut so the summary stays readable. */
const MAX_MESSAGE = 2_000;

export interface RenderOptions {
  /** The input the directory came from, named in messages; `kustomize` by default. */
  input?: string;
  /** kubectl to run; /usr/bin/kubectl (or kubectl on PATH) by default. */
  program?: string;
  timeoutMs?: number;
}

/** True when the directory holds a kustomization file, i.e. `kubectl apply -k` would render it. */
export async function isKustomizationDirectory(directory: string): Promise<boolean> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return false;
  }
  return KUSTOMIZATION_FILES.some((name) => names.includes(name));
}

/**
 * The objects a kustomization renders to, parsed as manifest documents. `directory` is relative
 * to `cwd` (the workspace) or absolute; documents are labelled with it for messages.
 */
export async function renderKustomization(
  directory: string,
  cwd: string,
  options: RenderOptions = {},
): Promise<ManifestDocument[]> {
  const input = options.input ?? 'kustomize';
  const path = resolve(cwd, directory);
  const label = relative(cwd, path) || '.';
  const info = await stat(path).catch(() => undefined);
  if (!info) {
    throw new InputError(input, `names '${directory}', which does not exist.`, 'k8s/overlays/prod');
  }
  if (!info.isDirectory() || !(await isKustomizationDirectory(path))) {
    throw new InputError(
      input,
      `names '${directory}', which is not a directory with a kustomization.yaml.`,
      'k8s/overlays/prod',
    );
  }
  const result = await execute(options.program ?? defaultKubectlProgram(), ['kustomize', path], {
    cwd,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    okExitCodes: 'any',
  });
  if (result.timedOut || result.exitCode !== 0) {
    const said = result.timedOut
      ? `it did not finish within ${Math.round((options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s`
      : kubectlMessage(result.stderr || result.stdout);
    throw new ActionError(
      `kustomize could not render ${escapeUntrusted(label)}: ${said}`,
      'Run `kubectl kustomize` on that directory locally to see the same error, and fix the kustomization.',
    );
  }
  return parseManifestText(result.stdout, `${label} (kustomize)`);
}

export interface ReadResult {
  documents: ManifestDocument[];
  /** The patterns that were kustomization directories, rendered rather than read. */
  rendered: string[];
}

/**
 * The documents `manifests`-style patterns name (files, directories, globs), in order. A directory
 * holding a kustomization is rendered, as `kubectl apply -k` would, instead of being read as
 * loose files that kustomize never meant to be applied (and the server would refuse).
 */
export async function readManifestsOrKustomizations(
  patterns: readonly string[],
  cwd: string,
  input = 'manifests',
): Promise<ReadResult> {
  const documents: ManifestDocument[] = [];
  const rendered: string[] = [];
  let plain: string[] = [];
  const flush = async (): Promise<void> => {
    if (plain.length > 0) documents.push(...(await readManifests(plain, cwd, input)));
    plain = [];
  };
  for (const pattern of patterns) {
    if (!isGlob(pattern) && (await isKustomizationDirectory(resolve(cwd, pattern)))) {
      await flush();
      documents.push(...(await renderKustomization(pattern, cwd, { input })));
      rendered.push(pattern);
    } else {
      plain.push(pattern);
    }
  }
  await flush();
  return { documents, rendered };
}

const KLOG_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r' };

/**
 * kubectl's own words on one escaped line: the `err="…"` of its klog line
 * (`E1205 … run.go:72] "command failed" err="…"`), or its `error: …` line.
 */
export function kubectlMessage(text: string): string {
  const klog = /\berr="((?:[^"\\]|\\.)*)"/.exec(text);
  const raw = klog
    ? klog[1].replace(/\\(.)/g, (_, c: string) => KLOG_ESCAPES[c] ?? c)
    : text.trim().replace(/^error:\s*/i, '');
  const message = raw.trim() || 'kubectl printed no reason';
  const cut = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}…` : message;
  return escapeUntrusted(cut);
}
