import * as pep440 from '@renovatebot/pep440';
import semver, { type SemVer } from 'semver';

/**
 * `flavor: latest=highest`: `latest` moves only when this release is at least as high as every
 * release among the repository's git tags, so publishing a backport (v1.4.9 after v2.0.0) leaves
 * `latest` alone. Prereleases neither get `latest` nor hold it back.
 */
export function isHighestSemver(current: SemVer | null, candidates: (SemVer | null)[]): boolean {
  if (current === null || current.prerelease.length > 0) return false;
  return candidates.every(
    (candidate) =>
      candidate === null || candidate.prerelease.length > 0 || current.compare(candidate) >= 0,
  );
}

export function isHighestPep440(current: string, candidates: (string | undefined)[]): boolean {
  if (!isPep440Release(current)) return false;
  return candidates.every(
    (candidate) =>
      candidate === undefined ||
      pep440.valid(candidate) === null ||
      !isPep440Release(candidate) ||
      pep440.gte(current, candidate),
  );
}

function isPep440Release(version: string): boolean {
  const explained = pep440.explain(version);
  return (
    explained !== null &&
    !explained.is_prerelease &&
    !explained.is_postrelease &&
    !explained.is_devrelease
  );
}

/** A tag read as semver when it is one, else its first numbers (`v1.2` is 1.2.0); null when it has none. */
export function looseSemver(text: string | undefined): SemVer | null {
  if (text === undefined) return null;
  return semver.parse(text, { loose: true }) ?? semver.coerce(text, { includePrerelease: true });
}
