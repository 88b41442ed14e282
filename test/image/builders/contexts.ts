import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Build contexts for the builder tests, made in temp directories. */

export const FIXTURE_CONTEXT = fileURLToPath(new URL('../../fixtures/image/app', import.meta.url));
export const FIXTURE_FILE = join(FIXTURE_CONTEXT, 'Containerfile');

export async function makeContext(files: Record<string, string | Buffer>): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'slipway-context-'));
  for (const [name, content] of Object.entries(files)) {
    await writeFile(join(directory, name), content, { mode: 0o755 });
  }
  return directory;
}

/**
 * A context whose RUN step copies the build secret into the image. Images here start from
 * scratch, so the step runs a tiny static program compiled for the test instead of a shell.
 */
export async function secretCopyingContext(secretId: string): Promise<string> {
  const directory = await makeContext({
    'copy-file.c': [
      '#include <stdio.h>',
      'int main(int argc, char **argv) {',
      '  FILE *in = fopen(argv[1], "rb"), *out = fopen(argv[2], "wb");',
      '  if (!in || !out) { perror("open"); return 1; }',
      '  int c;',
      '  while ((c = fgetc(in)) != EOF) fputc(c, out);',
      '  return fclose(out) == 0 ? 0 : 1;',
      '}',
      '',
    ].join('\n'),
    Containerfile: [
      'FROM scratch',
      'COPY copy-file /copy-file',
      `RUN --mount=type=secret,id=${secretId} ["/copy-file", "/run/secrets/${secretId}", "/secret-copy"]`,
      '',
    ].join('\n'),
  });
  execFileSync('gcc', [
    '-static',
    '-O1',
    '-o',
    join(directory, 'copy-file'),
    join(directory, 'copy-file.c'),
  ]);
  return directory;
}

/** An HTTP server that accepts requests and never answers them: a build step that hangs. */
export async function startHangingServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const server: Server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/never-answered`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
