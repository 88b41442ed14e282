/**
 * Fetches the baseline a previous run on the default branch left as a workflow artifact: the
 * newest unexpired artifact of that name from a run on that branch, downloaded through the
 * GitHub API and unzipped in memory.
 */
import { crc32 } from 'node:zlib';
import { unzipSync, type UnzipFileInfo } from 'fflate';
import { ActionError, describeThrown } from '../core/errors.js';
import type { GitHubClient } from '../core/github.js';
import { httpRequest } from '../core/http.js';
import type { RetryOptions } from '../core/retry.js';

export interface BaselineArtifactRequest {
  owner: string;
  repo: string;
  name: string;
  /** The branch whose runs count as baselines: the repository's default branch. */
  branch: string | undefined;
  /** For tests: a faster backoff on the download. */
  retry?: RetryOptions;
}

export interface ArtifactInfo {
  id: number;
  name: string;
  createdAt: string | null;
  branch: string | undefined;
  headSha: string | undefined;
  runId: number | undefined;
}

export type BaselineArtifact =
  | { text: string; reason?: undefined; artifact: ArtifactInfo; fileName: string }
  | { text?: undefined; reason: string };

/** A result JSON is kilobytes; anything near these sizes is not one. */
export const MAX_ARTIFACT_ZIP_BYTES = 50 * 1024 * 1024;
export const MAX_ENTRY_BYTES = 10 * 1024 * 1024;
const MAX_PAGES = 10;
const PREFERRED_FILE = 'coverage-result.json';
const PERMISSION_HINT =
  'Give the job `permissions: actions: read` (and pass github-token), and check the artifact name.';

export async function downloadBaselineArtifact(
  octokit: GitHubClient,
  request: BaselineArtifactRequest,
): Promise<BaselineArtifact> {
  const { owner, repo, name, branch } = request;
  if (!branch) {
    return {
      reason: `the repository's default branch is unknown (the event payload names none), so no run can be picked as the baseline.`,
    };
  }
  const candidates = await listArtifacts(octokit, request);
  const live = candidates.filter((artifact) => artifact.name === name && !artifact.expired);
  const onBranch = live.filter((artifact) => artifact.workflow_run?.head_branch === branch);
  const newest = onBranch.sort((a, b) => newer(b, a))[0];
  if (!newest) {
    const expired = candidates.length - live.length;
    const elsewhere = live.length - onBranch.length;
    const notes = [
      expired > 0 ? `${expired} expired` : '',
      elsewhere > 0 ? `${elsewhere} from other branches` : '',
    ].filter(Boolean);
    return {
      reason:
        `no artifact named '${name}' from a run on ${branch}` +
        `${notes.length > 0 ? ` (${notes.join(', ')})` : ''}; a first run on ${branch} uploads one.`,
    };
  }
  const artifact: ArtifactInfo = {
    id: newest.id,
    name: newest.name,
    createdAt: newest.created_at,
    branch: newest.workflow_run?.head_branch,
    headSha: newest.workflow_run?.head_sha,
    runId: newest.workflow_run?.id,
  };
  if (newest.size_in_bytes > MAX_ARTIFACT_ZIP_BYTES) {
    throw new ActionError(
      `Artifact '${name}' (id ${newest.id}) is ${newest.size_in_bytes} bytes, more than the ${MAX_ARTIFACT_ZIP_BYTES}-byte limit for a baseline.`,
      'Upload only the result JSON as the baseline artifact.',
    );
  }
  const zip = await downloadZip(octokit, owner, repo, newest.id, request.retry);
  const { fileName, bytes } = extractResult(zip, `artifact '${name}' (id ${newest.id})`);
  return { text: decodeUtf8(bytes, `${fileName} in artifact '${name}'`), artifact, fileName };
}

type ListedArtifact = Awaited<
  ReturnType<GitHubClient['rest']['actions']['listArtifactsForRepo']>
>['data']['artifacts'][number];

async function listArtifacts(
  octokit: GitHubClient,
  { owner, repo, name }: BaselineArtifactRequest,
): Promise<ListedArtifact[]> {
  const found: ListedArtifact[] = [];
  let pages = 0;
  try {
    for await (const page of octokit.paginate.iterator(octokit.rest.actions.listArtifactsForRepo, {
      owner,
      repo,
      name,
      per_page: 100,
    })) {
      found.push(...page.data);
      // GitHub lists the newest first; older pages only hold older candidates.
      if (++pages >= MAX_PAGES) break;
    }
  } catch (error) {
    throw githubError(`Listing the artifacts of ${owner}/${repo} failed`, error);
  }
  return found;
}

function newer(a: ListedArtifact, b: ListedArtifact): number {
  const time = Date.parse(a.created_at ?? '') - Date.parse(b.created_at ?? '');
  return Number.isNaN(time) || time === 0 ? a.id - b.id : time;
}

async function downloadZip(
  octokit: GitHubClient,
  owner: string,
  repo: string,
  artifactId: number,
  retry: RetryOptions | undefined,
): Promise<Uint8Array> {
  let location: string | undefined;
  try {
    // GitHub answers with a redirect to a short-lived storage URL. Following it ourselves keeps the
    // GitHub token off the storage host: the URL carries its own signature.
    const response = await octokit.rest.actions.downloadArtifact({
      owner,
      repo,
      artifact_id: artifactId,
      archive_format: 'zip',
      request: { redirect: 'manual' },
    });
    if (response.data instanceof ArrayBuffer) return new Uint8Array(response.data);
    location = (response.headers as Record<string, string | undefined>).location;
  } catch (error) {
    throw githubError(`Downloading artifact ${artifactId} of ${owner}/${repo} failed`, error);
  }
  if (!location) {
    throw new ActionError(
      `GitHub answered the download of artifact ${artifactId} without a Location to fetch it from.`,
    );
  }
  const response = await httpRequest({
    url: location,
    maxResponseBytes: MAX_ARTIFACT_ZIP_BYTES,
    retry,
  });
  return new Uint8Array(response.body.buffer, response.body.byteOffset, response.body.byteLength);
}

function githubError(what: string, error: unknown): ActionError {
  const status = (error as { status?: unknown }).status;
  if (status === 403 || status === 404) {
    return new ActionError(
      `${what}: GitHub answered ${status} (${describeThrown(error)}).`,
      PERMISSION_HINT,
      { cause: error },
    );
  }
  if (status === 410) {
    return new ActionError(`${what}: the artifact has expired (410).`, undefined, { cause: error });
  }
  return new ActionError(`${what}: ${describeThrown(error)}`, undefined, { cause: error });
}

/**
 * The one JSON file in the zip, or `coverage-result.json` among several. Entries are checked by
 * their declared size before anything is inflated, inflated into a buffer of exactly that size,
 * and then checked against their CRC, so a zip that lies about its sizes is refused instead of
 * filling memory.
 */
export function extractResult(
  zip: Uint8Array,
  origin: string,
): { fileName: string; bytes: Uint8Array } {
  const entries: UnzipFileInfo[] = [];
  try {
    unzipSync(zip, {
      filter: (info) => {
        entries.push(info);
        return false;
      },
    });
  } catch (error) {
    throw new ActionError(`${origin} is not a readable zip file: ${describeThrown(error)}`);
  }
  const files = entries.filter((entry) => !entry.name.endsWith('/'));
  const json = files.filter((entry) => entry.name.toLowerCase().endsWith('.json'));
  const chosen =
    json.length === 1
      ? json[0]
      : json.find((entry) => entry.name.split('/').pop() === PREFERRED_FILE);
  if (!chosen) {
    const names = files.map((entry) => entry.name).join(', ') || 'no files';
    throw new ActionError(
      json.length === 0
        ? `${origin} holds no JSON file (${names}).`
        : `${origin} holds ${json.length} JSON files (${names}) and none is named ${PREFERRED_FILE}.`,
      `Upload the coverage action's result JSON, named ${PREFERRED_FILE}, as the baseline artifact.`,
    );
  }
  if (chosen.originalSize > MAX_ENTRY_BYTES) {
    throw new ActionError(
      `${chosen.name} in ${origin} unpacks to ${chosen.originalSize} bytes, more than the ${MAX_ENTRY_BYTES}-byte limit; refusing it.`,
      'A coverage result is a few kilobytes; check what the baseline job uploads.',
    );
  }
  let bytes: Uint8Array | undefined;
  try {
    bytes = unzipSync(zip, { filter: (info) => info.name === chosen.name })[chosen.name];
  } catch (error) {
    throw new ActionError(
      `${chosen.name} in ${origin} cannot be unpacked: ${describeThrown(error)}`,
    );
  }
  const expected = zipCrc(zip, chosen.name);
  if (
    !bytes ||
    bytes.length !== chosen.originalSize ||
    (expected !== undefined && crc32(bytes) !== expected)
  ) {
    throw new ActionError(
      `${chosen.name} in ${origin} is damaged: its content does not match the size and checksum the zip declares.`,
    );
  }
  return { fileName: chosen.name, bytes };
}

/**
 * The CRC-32 the central directory records for `name`, which fflate does not check. Undefined for
 * zips it cannot read this way (ZIP64), where the size check alone applies.
 */
function zipCrc(zip: Uint8Array, name: string): number | undefined {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let end = zip.length - 22;
  while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) end--;
  if (end < 0) return undefined;
  const count = view.getUint16(end + 10, true);
  let offset = view.getUint32(end + 16, true);
  const wanted = Buffer.from(name, 'utf8');
  for (let i = 0; i < count && offset + 46 <= zip.length; i++) {
    if (view.getUint32(offset, true) !== 0x02014b50) return undefined;
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    if (wanted.equals(zip.subarray(offset + 46, offset + 46 + nameLength))) {
      return view.getUint32(offset + 16, true);
    }
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return undefined;
}

function decodeUtf8(bytes: Uint8Array, origin: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ActionError(`${origin} is not UTF-8 text.`);
  }
}
