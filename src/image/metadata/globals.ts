import { objectAt, type RunFacts } from './event.js';
import { dateHelper, type Helpers } from './templates.js';

/** The global expressions of metadata-action: usable in prefix, suffix, value, enable, labels, annotations. */
export function globalHelpers(
  facts: RunFacts,
  shortSha: string,
  defaultBranch: string | undefined,
): Helpers {
  const isDefaultBranch = defaultBranchState(facts, defaultBranch);
  return {
    branch: () => stripPrefix(facts.ref, 'refs/heads/') ?? '',
    tag: () => stripPrefix(facts.ref, 'refs/tags/') ?? '',
    sha: () => shortSha,
    base_ref: () => baseRef(facts),
    is_default_branch: () => String(isDefaultBranch),
    is_not_default_branch: () => String(!isDefaultBranch),
    date: dateHelper(facts.now),
    commit_date: dateHelper(facts.commitDate),
  };
}

export function stripPrefix(ref: string, prefix: string): string | undefined {
  return ref.startsWith(prefix) ? ref.slice(prefix.length) : undefined;
}

function baseRef(facts: RunFacts): string {
  const { ref, payload } = facts;
  if (ref.startsWith('refs/tags/') && typeof payload.base_ref === 'string') {
    return payload.base_ref.replace(/^refs\/heads\//, '');
  }
  const base = objectAt(objectAt(payload, 'pull_request'), 'base')?.ref;
  if (ref.startsWith('refs/pull/') && typeof base === 'string') return base;
  return '';
}

/**
 * metadata-action compares the ref (minus refs/heads/) with the payload's default branch, and
 * treats events that GitHub only fires on the default branch as default-branch runs.
 */
function defaultBranchState(facts: RunFacts, fallbackDefaultBranch: string | undefined): boolean {
  const branch = facts.ref.replace(/^refs\/heads\//, '');
  if (branch === '') return false;
  const payloadDefault = objectAt(facts.payload, 'repository')?.default_branch;
  const defaultBranch = typeof payloadDefault === 'string' ? payloadDefault : fallbackDefaultBranch;
  if (defaultBranch === branch) return true;
  return /create|discussion|issues|schedule/.test(facts.eventName);
}
