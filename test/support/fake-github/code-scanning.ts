/**
 * A small faithful model of code scanning SARIF uploads: the `sarif` field is gzip then base64, as
 * GitHub requires; an upload that does not decode is a 400 and one over 10 MB gzipped a 413, as
 * documented (without a body: the description gives none); an accepted one is answered 202 with
 * its id and status URL, and kept decoded for tests.
 */
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { FakeGitHub } from './server.js';

export interface StoredSarifUpload {
  id: string;
  owner: string;
  repo: string;
  commitSha: string;
  ref: string;
  toolName?: string;
  /** The decoded SARIF log. */
  sarif: { version?: string; runs?: Array<Record<string, unknown>> } & Record<string, unknown>;
  gzippedBytes: number;
}

const MAX_GZIPPED_BYTES = 10 * 1024 * 1024;

export class CodeScanningStore {
  readonly uploads: StoredSarifUpload[] = [];

  register(fake: FakeGitHub): void {
    fake.on('POST /repos/{owner}/{repo}/code-scanning/sarifs', (request) => {
      const { owner, repo } = request.params as { owner: string; repo: string };
      const body = request.body as Record<string, unknown>;
      const gzipped = Buffer.from(String(body.sarif), 'base64');
      if (gzipped.length > MAX_GZIPPED_BYTES) {
        return { status: 413 };
      }
      let sarif: StoredSarifUpload['sarif'];
      try {
        sarif = JSON.parse(gunzipSync(gzipped).toString('utf8')) as StoredSarifUpload['sarif'];
      } catch {
        return { status: 400 };
      }
      const id = randomUUID();
      this.uploads.push({
        id,
        owner,
        repo,
        commitSha: String(body.commit_sha),
        ref: String(body.ref),
        ...(typeof body.tool_name === 'string' && { toolName: body.tool_name }),
        sarif,
        gzippedBytes: gzipped.length,
      });
      return {
        status: 202,
        body: {
          id,
          url: `https://api.github.com/repos/${owner}/${repo}/code-scanning/sarifs/${id}`,
        },
      };
    });
  }
}
