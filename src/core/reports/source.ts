import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

/** A report to parse: a file a tool wrote, or a command's captured stdout. */
export interface ReportSource {
  /** For error messages: the path, or "stdout of <check>". */
  readonly origin: string;
  /** Streams the bytes, for formats parsed incrementally (XML). */
  open(): Readable;
  /** The whole report as UTF-8, refused when larger than maxBytes. */
  readText(maxBytes: number): Promise<string>;
}

/** JSON and text reports are read whole; anything bigger than this is not a plausible report. */
export const MAX_TEXT_REPORT_BYTES = 64 * 1024 * 1024;

export function fileSource(path: string): ReportSource {
  return {
    origin: path,
    open: () => createReadStream(path),
    readText: (maxBytes) => collect(createReadStream(path), maxBytes, path),
  };
}

export function textSource(text: string, origin: string): ReportSource {
  return {
    origin,
    open: () => Readable.from([Buffer.from(text, 'utf8')]),
    readText: async (maxBytes) => {
      if (Buffer.byteLength(text, 'utf8') > maxBytes) throw tooLarge(origin, maxBytes);
      return text;
    },
  };
}

async function collect(stream: Readable, maxBytes: number, origin: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) {
        stream.destroy();
        throw tooLarge(origin, maxBytes);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof ReportError) throw error;
    throw new ReportError(origin, `could not be read: ${(error as Error).message}`);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(origin: string, maxBytes: number): ReportError {
  return new ReportError(
    origin,
    `is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB and was not read.`,
  );
}

/**
 * A report that cannot be read (malformed, truncated, hostile, wrong shape). The check it belongs
 * to fails with this message rather than the action crashing.
 */
export class ReportError extends Error {
  constructor(
    readonly origin: string,
    problem: string,
  ) {
    super(`${origin}: ${problem}`);
    this.name = 'ReportError';
  }
}
