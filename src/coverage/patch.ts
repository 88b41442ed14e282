/**
 * Patch coverage as the action measures it: which lines the change touched (from git, fetching
 * what a shallow checkout lacks), how many of them the reports say ran, and what became of the
 * changed source files that no report mentions.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { changedLinesAgainst, chooseBase, type BaseChoice } from '../core/changed-lines.js';
import { ActionError, InputError } from '../core/errors.js';
import type { GitHubContext } from '../core/github.js';
import type { Settings } from './inputs.js';
import type { FileCoverage } from './model.js';
import { patchCoverage, type PatchCoverage } from './totals.js';
import { sharedSuffix } from './resolve-paths.js';
import { nameFew, suggestPathFix, unmatchedFailsGate, type UnmatchedChanges } from './unmatched.js';

type PatchSettings = Pick<
  Settings,
  'minPatch' | 'baseRef' | 'comment' | 'workspace' | 'unmatchedChanges'
>;

/**
 * Patch coverage is measured for min-patch, for the comment, or wherever base-ref asks for it;
 * a pull request with only min-total set does not need the base's history at all. When only the
 * comment wants it and git cannot tell the changed lines, the patch is left out with a note:
 * a missing patch must never fail a gate that does not use it. `outside` are the report paths
 * left out for lying outside the repository: those ending like a changed file are, like the paths
 * naming no file, a sign of reports whose paths failed to map.
 */
export async function computePatch(
  settings: PatchSettings,
  github: GitHubContext | undefined,
  files: readonly FileCoverage[],
  notes: string[],
  outside: readonly string[] = [],
): Promise<PatchCoverage | undefined> {
  const needed = settings.minPatch !== undefined;
  const wanted = needed || settings.comment || settings.baseRef !== undefined;
  if (!wanted || !github) return undefined;
  if (!settings.baseRef && !github.pullRequest && !github.payload.merge_group) {
    // One workflow usually serves pull requests and pushes; a push has no base to gate against.
    if (needed) {
      notes.push(
        `min-patch was not applied: this ${github.eventName} run has no pull request base to compare with (set base-ref to measure patch coverage here).`,
      );
    }
    return undefined;
  }
  const base = chooseBase(settings.baseRef, github);
  let diff: Awaited<ReturnType<typeof changedLinesAgainst>>;
  try {
    diff = await changedLinesAgainst(base.ref, settings.workspace, {
      fetchMissing: true,
      pullRequestHead: base.pullRequestHead,
    });
  } catch (error) {
    if (needed || !(error instanceof ActionError) || error instanceof InputError) throw error;
    notes.push(
      `Patch coverage was not measured: ${error.message}${error.hint ? ` ${error.hint}` : ''}`,
    );
    return undefined;
  }
  const mode = settings.unmatchedChanges ?? 'fail';
  const patch = patchCoverage(files, diff.lines, { unmatchedAsUncovered: mode === 'uncovered' });
  notes.push(`Patch coverage compares with ${comparedWith(base, diff)}.`);
  if (diff.fetched.length > 0) {
    notes.push(`The checkout is shallow: fetched ${diff.fetched.join(' and ')} from origin.`);
  }
  const unmatched = patch.filesWithoutCoverage;
  if (unmatched.length > 0) {
    // Only report paths that name no file of the checkout can be the ones that were meant.
    const stray = files
      .map((file) => file.path)
      .filter((path) => !existsSync(join(settings.workspace, path)));
    // An absolute path outside the repository is usually a system header or an installed
    // package, not a sign of failed mapping, unless it ends like a changed file (/app/src/x.ts).
    patch.strayReportPaths = [
      ...stray,
      ...outside.filter((path) => endsLikeOneOf(path, unmatched)),
    ];
    patch.suggestedPathFix = suggestPathFix(unmatched, stray);
    // When it fails, the min-patch gate itself names the files.
    const gateSaysSo = needed && unmatchedFailsGate(patch, mode);
    if (!gateSaysSo) notes.push(unmatchedNote(patch, mode));
  }
  return patch;
}

function endsLikeOneOf(path: string, changed: readonly string[]): boolean {
  const parts = path.split('/');
  return changed.some((file) => sharedSuffix(parts, file.split('/')) >= 2);
}

function unmatchedNote(patch: PatchCoverage, mode: UnmatchedChanges): string {
  const files = patch.filesWithoutCoverage;
  const what =
    mode === 'uncovered'
      ? 'every changed line of them counts as uncovered (unmatched-changes: uncovered)'
      : 'they are not counted';
  if (mode !== 'uncovered' && (patch.strayReportPaths ?? []).length === 0) {
    // Every report path names a file of the checkout: nothing suggests a mapping went wrong.
    return `${files.length} changed source file(s) are not in any report (tests, configuration or files excluded from coverage) and are not counted: ${nameFew(files)}.`;
  }
  const fix = patch.suggestedPathFix
    ? ` If the reports cover them under other paths, path-fixes: ${patch.suggestedPathFix} would map them.`
    : '';
  return `${files.length} changed source file(s) appear in no report and ${what}: ${nameFew(files)}.${fix}`;
}

/**
 * Which commit the patch was measured against. GitHub may have merged the pull request into a
 * newer base than the event's base.sha; then the summary names the commit really compared with.
 */
function comparedWith(
  base: BaseChoice,
  diff: Awaited<ReturnType<typeof changedLinesAgainst>>,
): string {
  if (!diff.baseFromMerge || diff.baseSha === base.ref) return base.description;
  return (
    `${diff.baseSha.slice(0, 7)}, the base GitHub merged the pull request into (the first parent of the checked-out merge commit); ` +
    `the event's base commit ${base.ref.slice(0, 7)} is older, and the commits since then are not the pull request's`
  );
}
