/**
 * Which lines a change added or modified (quality-gate's new-only, coverage's patch): read from `git diff --unified=0`
 * between the merge base of `base-ref` and HEAD, on the new side of each file.
 */
import { ActionError, InputError } from './errors.js';
import { execute, type ExecOptions, type ExecResult } from './exec.js';
import type { GitHubContext } from './github.js';

/** Inclusive, 1-based line numbers in the new version of a file. */
export interface LineRange {
  start: number;
  end: number;
}

/** Repository-relative path (forward slashes) → sorted, disjoint, non-adjacent ranges. */
export type ChangedLines = ReadonlyMap<string, readonly LineRange[]>;

const HUNK_HEADER = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;
/** Only the first character of a hunk line matters; a longer tail is never kept in memory. */
const MAX_KEPT_LINE = 64 * 1024;

/**
 * Reads unified diff text incrementally, so a diff of any size needs memory only for the
 * changed-line ranges. Hunk bodies are consumed by their declared line counts: an added line
 * whose text is "++ b/x" shows up as "+++ b/x" and must not be taken for a file header.
 */
export class UnifiedDiffReader {
  private readonly lines = new Map<string, LineRange[]>();
  private file: string | undefined;
  private oldLeft = 0;
  private newLeft = 0;
  private newLine = 0;
  private pending = '';

  push(text: string): void {
    let from = 0;
    for (;;) {
      const end = text.indexOf('\n', from);
      if (end < 0) break;
      this.line(this.pending + text.slice(from, end));
      this.pending = '';
      from = end + 1;
    }
    if (this.pending.length < MAX_KEPT_LINE) {
      this.pending += text.slice(from, from + MAX_KEPT_LINE - this.pending.length);
    }
  }

  finish(): Map<string, LineRange[]> {
    if (this.pending) this.line(this.pending);
    this.pending = '';
    for (const [file, ranges] of this.lines) this.lines.set(file, mergeRanges(ranges));
    return this.lines;
  }

  private line(line: string): void {
    if (this.oldLeft > 0 || this.newLeft > 0) {
      if (this.hunkLine(line)) return;
      // Not a hunk line although the header promised more: the diff was cut; read on as headers.
      this.oldLeft = this.newLeft = 0;
    }
    const header = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (header.startsWith('diff --git ')) {
      this.file = undefined;
    } else if (header.startsWith('+++ ')) {
      this.file = newSidePath(header.slice(4));
    } else if (header.startsWith('@@ ')) {
      const match = HUNK_HEADER.exec(header);
      if (!match) return;
      this.oldLeft = match[1] === undefined ? 1 : Number(match[1]);
      this.newLine = Number(match[2]);
      this.newLeft = match[3] === undefined ? 1 : Number(match[3]);
    }
    // Everything else (index, mode, rename, "Binary files ... differ", "\ No newline") adds no lines.
  }

  /** Returns false when the line cannot belong to a hunk body. */
  private hunkLine(line: string): boolean {
    switch (line[0]) {
      case '+':
        if (this.file !== undefined) this.record(this.file, this.newLine);
        this.newLine += 1;
        this.newLeft -= 1;
        return true;
      case '-':
        this.oldLeft -= 1;
        return true;
      case ' ':
      case undefined: // a context line whose single space was stripped in transit
        this.newLine += 1;
        this.oldLeft -= 1;
        this.newLeft -= 1;
        return true;
      case '\\': // "\ No newline at end of file"
        return true;
      default:
        return false;
    }
  }

  private record(file: string, line: number): void {
    let ranges = this.lines.get(file);
    if (!ranges) this.lines.set(file, (ranges = []));
    const last = ranges[ranges.length - 1];
    if (last && last.end + 1 === line) last.end = line;
    else ranges.push({ start: line, end: line });
  }
}

/** The added and modified lines of a unified diff, per file of the new side. */
export function parseUnifiedDiff(text: string): Map<string, LineRange[]> {
  const reader = new UnifiedDiffReader();
  reader.push(text);
  return reader.finish();
}

/** True when any line of [line, endLine] was added or modified in `file`. */
export function touchesChangedLines(
  changed: ChangedLines,
  file: string,
  line: number,
  endLine: number = line,
): boolean {
  const ranges = changed.get(file.replace(/^(?:\.\/)+/, ''));
  if (!ranges) return false;
  const last = Math.max(line, endLine);
  // Binary search for the first range that ends at or after `line`.
  let low = 0;
  let high = ranges.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (ranges[middle].end < line) low = middle + 1;
    else high = middle;
  }
  return low < ranges.length && ranges[low].start <= last;
}

function mergeRanges(ranges: LineRange[]): LineRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const merged: LineRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end + 1) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

/** The path on a "+++ " line: undefined for /dev/null (a deleted file). */
function newSidePath(field: string): string | undefined {
  let path: string;
  if (field.startsWith('"')) {
    path = unquoteC(field);
  } else {
    // Git ends the name with a tab when it contains a space, as GNU diff does before a timestamp.
    const tab = field.indexOf('\t');
    path = tab < 0 ? field : field.slice(0, tab);
  }
  if (path === '/dev/null') return undefined;
  return path.startsWith('b/') ? path.slice(2) : path;
}

const C_ESCAPES: Record<string, number> = {
  a: 7,
  b: 8,
  t: 9,
  n: 10,
  v: 11,
  f: 12,
  r: 13,
  '"': 34,
  '\\': 92,
};

/**
 * Git quotes a path that holds control characters, a quote, a backslash or (with the default
 * core.quotePath) bytes above 0x7f, as a C string with octal escapes for the raw UTF-8 bytes.
 */
function unquoteC(field: string): string {
  const bytes: number[] = [];
  for (let index = 1; index < field.length; index += 1) {
    const char = field[index];
    if (char === '"') break;
    if (char !== '\\') {
      bytes.push(...Buffer.from(char, 'utf8'));
      continue;
    }
    const next = field[index + 1] ?? '';
    const octal = /^[0-7]{3}/.exec(field.slice(index + 1, index + 4));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      index += 3;
    } else {
      bytes.push(C_ESCAPES[next] ?? next.charCodeAt(0));
      index += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Where the comparison starts from, and how to say so in the summary. */
export interface BaseChoice {
  ref: string;
  description: string;
  /**
   * The pull request's head commit when the base came from the event rather than base-ref: pass it
   * to changedLinesAgainst, which then takes the base from GitHub's merge commit (see there).
   */
  pullRequestHead?: string;
}

type BaseContext = Pick<GitHubContext, 'eventName' | 'pullRequest' | 'payload'>;

/**
 * The base to compare with: `base-ref` when given, else the pull request's base commit (or a merge
 * queue's base). Other events have nothing to compare with, so base-ref is required there.
 */
export function chooseBase(baseRefInput: string | undefined, context: BaseContext): BaseChoice {
  const given = baseRefInput?.trim();
  if (given) {
    // A leading dash would reach git as an option rather than a revision.
    if (given.startsWith('-') || /[\s\0]/.test(given)) {
      throw new InputError(
        'base-ref',
        `must be a branch, tag or commit, got '${given}'`,
        'origin/main',
      );
    }
    return { ref: given, description: given };
  }
  const pr = context.pullRequest;
  if (pr) {
    return {
      ref: pr.baseSha,
      description: `the pull request's base ${pr.baseRef} (${pr.baseSha.slice(0, 7)})`,
      pullRequestHead: pr.headSha,
    };
  }
  const mergeGroup = context.payload.merge_group as Record<string, unknown> | undefined;
  if (typeof mergeGroup?.base_sha === 'string') {
    const baseSha = mergeGroup.base_sha;
    return { ref: baseSha, description: `the merge queue's base (${baseSha.slice(0, 7)})` };
  }
  throw new InputError(
    'base-ref',
    `must be set to say which lines are new when the run is not for a pull request ` +
      `(this is a ${context.eventName} event, which has no base to compare with)`,
    'main',
  );
}

export interface ChangedLinesAgainstBase {
  lines: ChangedLines;
  /** The commit the base resolved to: base-ref's, or the merge commit's first parent (baseFromMerge). */
  baseSha: string;
  /** Where HEAD's branch left the base: the diff starts here, so base-side commits don't count. */
  mergeBase: string;
  /** What fetchMissing fetched, for the log or summary ("the base commit 1a2b3c4"); empty if nothing. */
  fetched: string[];
  /** True when the base is HEAD's first parent, found through pullRequestHead, not baseRef. */
  baseFromMerge: boolean;
}

export interface ChangedLinesOptions {
  /** Defaults to HEAD: the commit the checks ran on. */
  head?: string;
  /** Per git command, fetches included. */
  timeoutMs?: number;
  /**
   * In a shallow checkout (actions/checkout's default fetch-depth: 1), fetch from origin what the
   * comparison needs instead of failing: the base commit, then older history in a few bounded
   * steps until the merge base appears. Off unless asked for, since it talks to the network.
   */
  fetchMissing?: boolean;
  /**
   * The pull request's head commit (the event's pull_request.head.sha), for a base that came from
   * the event. GitHub may build refs/pull/N/merge on a newer base than the event's base.sha (the
   * base branch moved on); diffing from the old base.sha would count the base branch's newer
   * commits as the pull request's. So when HEAD is a merge commit whose second parent is this
   * commit, the base is HEAD's first parent: what GitHub really merged into.
   */
  pullRequestHead?: string;
}

const CHECKOUT_HINT =
  'Comparing with the base needs the history of both sides: check out with actions/checkout and fetch-depth: 0 ' +
  '(or fetch the base branch, e.g. git fetch origin main), or set base-ref to a commit that ' +
  'the checkout contains.';

/**
 * Lines added or modified since `baseRef` (or the merge commit's base, see pullRequestHead), from
 * real git. Rename detection stays on so that a
 * moved file's untouched lines do not count as new.
 */
export async function changedLinesAgainst(
  baseRef: string,
  workspace: string,
  options: ChangedLinesOptions = {},
): Promise<ChangedLinesAgainstBase> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const git = (args: string[], extra: ExecOptions = {}) =>
    execute('git', args, { cwd: workspace, okExitCodes: 'any', timeoutMs, echo: false, ...extra });

  const inside = await git(['rev-parse', '--is-inside-work-tree']);
  if (inside.exitCode !== 0) throw notARepository(workspace, inside);

  const head = await resolveCommit(git, options.head ?? 'HEAD');
  if (!head) throw new ActionError(`${workspace} has no commit checked out.`);
  const fetcher = options.fetchMissing && (await isShallow(git)) ? new Fetcher(git) : undefined;
  const mergedInto = options.pullRequestHead
    ? await mergedBase(git, head, options.pullRequestHead)
    : undefined;
  const ref = mergedInto ?? baseRef;
  let baseSha = await resolveCommit(git, ref);
  if (!baseSha && fetcher) baseSha = await fetcher.base(ref);
  if (!baseSha) {
    const what = mergedInto ? `the merge commit's base ${ref}` : `base-ref '${ref}'`;
    throw new ActionError(
      `Cannot find ${what} in the checkout${await shallowNote(git, fetcher)}.`,
      CHECKOUT_HINT,
    );
  }
  let from = await mergeBaseOf(git, baseSha, head);
  if (!from && fetcher) from = await fetcher.mergeBase(baseSha, head);
  if (!from) {
    throw new ActionError(
      `Found no common history between base-ref '${ref}' and HEAD` +
        `${await shallowNote(git, fetcher)}.`,
      CHECKOUT_HINT,
    );
  }

  const reader = new UnifiedDiffReader();
  const diff = await git(
    [
      '-c',
      'core.quotePath=true',
      'diff',
      '--unified=0',
      '--no-color',
      '--no-ext-diff',
      '--no-textconv',
      '--find-renames',
      // Paths relative to the workspace, as the findings are, even when it is a subdirectory.
      '--relative',
      // Fixed prefixes whatever diff.noprefix or diff.mnemonicPrefix say.
      '--src-prefix=a/',
      '--dst-prefix=b/',
      from,
      head,
      '--',
    ],
    // The reader keeps what it needs; the captured copy is only for the error message.
    { echo: true, maxOutputBytes: 64 * 1024, onStdout: (text) => reader.push(text) },
  );
  if (diff.exitCode !== 0) {
    throw new ActionError(
      `git diff ${from.slice(0, 7)} ${head.slice(0, 7)} failed ` +
        `(${describeExit(diff)}): ${lastLine(diff.stderr)}`,
    );
  }
  return {
    lines: reader.finish(),
    baseSha,
    mergeBase: from,
    fetched: fetcher?.fetched ?? [],
    baseFromMerge: mergedInto !== undefined,
  };
}

type Git = (args: string[], extra?: ExecOptions) => Promise<ExecResult>;

/**
 * Where the diff starts. When HEAD's first parent is the base, that is the base itself: the
 * commit actions/checkout checks out for a pull request is GitHub's merge of the head into the
 * base (refs/pull/N/merge), and in a shallow checkout git cannot walk from it to its parents,
 * but the raw commit still names them. Otherwise git merge-base, which needs connected history.
 */
async function mergeBaseOf(git: Git, baseSha: string, head: string): Promise<string | undefined> {
  if ((await parentsOf(git, head))[0] === baseSha) return baseSha;
  const result = await git(['merge-base', baseSha, head]);
  return result.exitCode === 0 && result.stdout.trim() ? result.stdout.trim() : undefined;
}

/** HEAD's first parent when HEAD merges exactly `pullRequestHead` into it (refs/pull/N/merge). */
async function mergedBase(
  git: Git,
  head: string,
  pullRequestHead: string,
): Promise<string | undefined> {
  const parents = await parentsOf(git, head);
  const merges = parents.length === 2 && parents[1] === pullRequestHead.trim().toLowerCase();
  return merges ? parents[0] : undefined;
}

/** A commit's parents from its raw object, which a shallow checkout has even when they are not. */
async function parentsOf(git: Git, commit: string): Promise<string[]> {
  const raw = await git(['cat-file', 'commit', commit]);
  if (raw.exitCode !== 0) return [];
  const headers = raw.stdout.split('\n\n')[0] ?? '';
  return [...headers.matchAll(/^parent ([0-9a-f]+)$/gm)].map((match) => match[1]);
}

/** Older history fetched per step while the merge base is missing: ~2,700 commits at most. */
const DEEPEN_STEPS = [32, 128, 512, 2048];
const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;

/** Fetches from origin just what a shallow checkout lacks, and remembers why it stopped. */
class Fetcher {
  readonly fetched: string[] = [];
  failure: string | undefined;

  constructor(private readonly git: Git) {}

  /** Fetches the base commit alone (depth 1); undefined when it cannot be fetched. */
  async base(baseRef: string): Promise<string | undefined> {
    const refspec = baseRefspec(baseRef);
    if (!refspec) {
      this.failure = `'${baseRef}' is neither a full commit SHA nor a branch, so it was not fetched`;
      return undefined;
    }
    if (!(await this.fetch(['--depth=1', 'origin', refspec]))) return undefined;
    const sha = await resolveCommit(this.git, refspec.split(':')[1] ?? refspec);
    if (sha) this.fetched.push(`the base commit ${sha.slice(0, 7)}`);
    return sha;
  }

  /** Deepens both sides in bounded steps until they meet. */
  async mergeBase(baseSha: string, head: string): Promise<string | undefined> {
    let depth = 0;
    for (const step of DEEPEN_STEPS) {
      // --deepen moves every shallow boundary, HEAD's too, even when HEAD is a local commit
      // that origin does not have: naming the base is enough.
      if (!(await this.fetch([`--deepen=${step}`, 'origin', baseSha]))) return undefined;
      depth += step;
      const found = await mergeBaseOf(this.git, baseSha, head);
      if (found) {
        this.fetched.push(`up to ${depth} older commits to reach the merge base`);
        return found;
      }
      if (!(await isShallow(this.git))) break;
    }
    this.failure ??= `no merge base within ${depth} commits of history fetched from origin`;
    return undefined;
  }

  private async fetch(args: string[]): Promise<boolean> {
    const result = await this.git(['fetch', '--no-tags', '--no-recurse-submodules', ...args], {
      echo: true,
      // A missing credential must fail the fetch, not wait for someone to type a password.
      env: { GIT_TERMINAL_PROMPT: '0' },
    });
    if (result.exitCode === 0) return true;
    this.failure = `git fetch failed (${describeExit(result)}): ${lastLine(result.stderr)}`;
    return false;
  }
}

/** A commit SHA is fetched as itself; a branch name (main, origin/main) into origin/<name>. */
function baseRefspec(baseRef: string): string | undefined {
  if (FULL_SHA.test(baseRef)) return baseRef;
  if (/^[0-9a-f]{7,39}$/i.test(baseRef) || baseRef.startsWith('refs/tags/')) return undefined;
  const branch = baseRef.replace(/^(?:refs\/heads\/|refs\/remotes\/origin\/|origin\/)/, '');
  if (branch.startsWith('refs/') || branch.includes(':')) return undefined;
  return `+refs/heads/${branch}:refs/remotes/origin/${branch}`;
}

async function resolveCommit(git: Git, ref: string): Promise<string | undefined> {
  const candidates = [ref];
  // After actions/checkout, branches exist only as remote-tracking refs: main is origin/main.
  if (!/^[0-9a-f]{7,64}$/i.test(ref) && !ref.startsWith('refs/') && !ref.startsWith('origin/')) {
    candidates.push(`origin/${ref}`);
  }
  for (const candidate of candidates) {
    const result = await git(['rev-parse', '--verify', '--quiet', `${candidate}^{commit}`]);
    if (result.exitCode === 0 && result.stdout.trim()) return result.stdout.trim();
  }
  return undefined;
}

async function isShallow(git: Git): Promise<boolean> {
  const result = await git(['rev-parse', '--is-shallow-repository']);
  return result.stdout.trim() === 'true';
}

async function shallowNote(git: Git, fetcher: Fetcher | undefined): Promise<string> {
  if (fetcher?.failure) return ` (the checkout is shallow, and ${fetcher.failure})`;
  return (await isShallow(git)) ? ' (the checkout is shallow)' : '';
}

function notARepository(workspace: string, result: ExecResult): ActionError {
  if (/dubious ownership/.test(result.stderr)) {
    return new ActionError(
      `git refuses to read ${workspace} because another user owns it.`,
      `Mark it safe in an earlier step: git config --global --add safe.directory "${workspace}"`,
    );
  }
  return new ActionError(
    `Comparing with the base needs a git checkout, but ${workspace} is not inside a git repository: ` +
      lastLine(result.stderr),
    `Check out the repository with actions/checkout (fetch-depth: 0) before this step.`,
  );
}

function describeExit(result: ExecResult): string {
  if (result.timedOut) return 'timed out';
  return result.signal ? `killed by ${result.signal}` : `exit code ${result.exitCode}`;
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}
