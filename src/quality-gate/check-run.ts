import type { Finding as Annotation } from '../core/annotations.js';
import { describeThrown } from '../core/errors.js';
import type { GitHubClient } from '../core/github.js';
import { isPermissionRefusal } from '../core/github-permissions.js';
import { maskSecrets } from '../core/secrets.js';

/**
 * Annotations beyond the 10 per level a step may show go to a check run, where the Checks API takes
 * them 50 per request (later updates append). This needs `checks: write`, which fork pull
 * requests never get, so a refusal is reported, not fatal.
 */

const PER_REQUEST = 50;
/** Bounds the requests one step makes; 1,000 annotations is already more than a reviewer reads. */
export const MAX_CHECK_RUN_ANNOTATIONS = 1_000;
const MAX_TEXT = 65_535;
const MAX_TITLE = 255;

export interface CheckRunRequest {
  owner: string;
  repo: string;
  headSha: string;
  name: string;
  passed: boolean;
  title: string;
  summary: string;
  annotations: Annotation[];
}

export type CheckRunOutcome =
  | { published: true; url: string; annotated: number }
  /** `refusal` holds GitHub's answer when the token lacked the permission. */
  | { published: false; reason: string; refusal?: unknown };

export async function publishCheckRun(
  octokit: GitHubClient,
  request: CheckRunRequest,
): Promise<CheckRunOutcome> {
  const annotations = request.annotations
    .filter((annotation) => annotation.file && annotation.line)
    .slice(0, MAX_CHECK_RUN_ANNOTATIONS)
    .map(toCheckAnnotation);
  const batches = Array.from(
    { length: Math.max(1, Math.ceil(annotations.length / PER_REQUEST)) },
    (_, index) => annotations.slice(index * PER_REQUEST, (index + 1) * PER_REQUEST),
  );
  const output = (batch: typeof annotations) => ({
    title: cap(request.title, MAX_TITLE),
    summary: cap(maskSecrets(request.summary), MAX_TEXT),
    annotations: batch,
  });
  try {
    const { data } = await octokit.rest.checks.create({
      owner: request.owner,
      repo: request.repo,
      name: request.name,
      head_sha: request.headSha,
      status: 'completed',
      conclusion: request.passed ? 'success' : 'failure',
      output: output(batches[0]),
    });
    for (const batch of batches.slice(1)) {
      await octokit.rest.checks.update({
        owner: request.owner,
        repo: request.repo,
        check_run_id: data.id,
        output: output(batch),
      });
    }
    return { published: true, url: data.html_url ?? '', annotated: annotations.length };
  } catch (error) {
    if (isPermissionRefusal(error)) {
      return {
        published: false,
        refusal: error,
        reason:
          'the token may not write check runs; give the job `permissions: checks: write` (fork pull requests never can)',
      };
    }
    return {
      published: false,
      reason: `the check run could not be written: ${describeThrown(error)}`,
    };
  }
}

function toCheckAnnotation(annotation: Annotation) {
  const startLine = annotation.line as number;
  const endLine =
    annotation.endLine && annotation.endLine >= startLine ? annotation.endLine : startLine;
  const sameLine = startLine === endLine;
  return {
    path: annotation.file as string,
    start_line: startLine,
    end_line: endLine,
    ...(sameLine && annotation.column ? { start_column: annotation.column } : {}),
    ...(sameLine &&
    annotation.column &&
    annotation.endColumn &&
    annotation.endColumn >= annotation.column
      ? { end_column: annotation.endColumn }
      : {}),
    annotation_level: annotation.level === 'error' ? ('failure' as const) : annotation.level,
    message: cap(maskSecrets(annotation.message), MAX_TEXT),
    ...(annotation.title ? { title: cap(maskSecrets(annotation.title), MAX_TITLE) } : {}),
  };
}

function cap(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
