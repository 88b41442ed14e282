import { formatReference, type ImageReference } from '../../core/image-reference.js';

/**
 * Tags that name one release and so must never move once created: full semantic versions,
 * `1.2.3` or `v1.2.3`, with or without a prerelease (`1.2.3-rc.1` names one release candidate).
 * Numbers follow semver (no leading zeros). Build metadata (`+build`) cannot occur: `+` is not
 * allowed in a tag. Floating tags such as `1.2`, `1`, `latest` or branch names may move.
 */
export const DEFAULT_IMMUTABLE =
  /^v?(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/**
 * What checkImmutable reads from a plan; a PromotionPlan has it. Without a source digest the
 * image is not built yet: a build never reproduces a digest, so every existing tag would move.
 */
export interface PlannedMoves {
  source?: { digest: string };
  targets: Array<{ reference: ImageReference; current?: string; action: string }>;
}

/**
 * Reads one tag pattern as users write them: `/regex/flags` is a regular expression (searched,
 * so anchor it yourself), anything else a glob over the whole tag where `*` is any run of
 * characters and `?` one character. Throws a plain Error whose message completes "Input 'x' ".
 */
export function parseTagPattern(text: string): RegExp {
  const trimmed = text.trim();
  const regex = /^\/(.+)\/([a-z]*)$/.exec(trimmed);
  if (regex) {
    try {
      return new RegExp(regex[1], regex[2]);
    } catch (error) {
      throw new Error(`has an invalid regular expression ${trimmed}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  if (trimmed === '') throw new Error('has an empty tag pattern');
  const source = [...trimmed]
    .map((char) =>
      char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${source}$`);
}

/**
 * The problems with a plan: each target tag matching an immutable pattern that already exists
 * at another digest, i.e. that the promotion would move. Creating such a tag is fine.
 */
export function checkImmutable(
  plan: PlannedMoves,
  patterns: ReadonlyArray<RegExp | string> = [DEFAULT_IMMUTABLE],
  writing: 'promoting' | 'merging' = 'promoting',
): string[] {
  const compiled = patterns.map((pattern) =>
    typeof pattern === 'string' ? parseTagPattern(pattern) : pattern,
  );
  const problems: string[] = [];
  for (const target of plan.targets) {
    const tag = target.reference.tag;
    if (target.action !== 'move' || tag === undefined) continue;
    const rule = compiled.find((pattern) => {
      pattern.lastIndex = 0;
      return pattern.test(tag);
    });
    if (!rule) continue;
    problems.push(
      `${formatReference(target.reference)} is immutable (matches ${String(rule)}) and already points to ${target.current}; ${plan.source ? `${writing} would move it to ${plan.source.digest}` : 'a new build would move it to another digest'}.`,
    );
  }
  return problems;
}
