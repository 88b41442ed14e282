import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';

/** A report to parse: a file a tool wrote, or a command's captured stdout. */
export interface ReportSource {
  /** For error messages: the path, or "stdout of <check>". */
  readonly origin: string;
  /** Streams the bytes, for formats parsed incrementally (XML). */
  open(): Readable;
  /**
   * The bytes again, for a reader that copies what it keeps: each chunk is valid only until the
   * next is asked for (the buffers are reused), in exchange for reading that costs the thread
   * almost nothing. Absent when the source has no cheaper way than `open`.
   */
  readChunks?(): AsyncIterable<Uint8Array>;
  /** The whole report as UTF-8, refused when larger than maxBytes. */
  readText(maxBytes: number): Promise<string>;
}

/** JSON and text reports are read whole; anything bigger than this is not a plausible report. */
export const MAX_TEXT_REPORT_BYTES = 64 * 1024 * 1024;

export function fileSource(path: string): ReportSource {
  return {
    origin: path,
    open: () => createReadStream(path),
    readChunks: () => reusedChunks(path),
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

/** Chunks of reusedChunks: large enough that reading costs little per byte, small beside a parse. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * The file in chunks read into two buffers in turn, the next read under way in libuv's thread
 * pool while the caller works on the current chunk. A stream would allocate every chunk afresh
 * (memory the garbage collector then has to account for and free) and take a few promises and
 * callbacks per chunk; this reads a 100 MB report in about a hundred reads into 2 MiB.
 */
async function* reusedChunks(path: string): AsyncGenerator<Uint8Array> {
  const file = await open(path, 'r');
  const buffers = [spareBuffer(), spareBuffer()];
  let which = 0;
  // From where the last read ended (no position): a pipe or device has none to give.
  let reading: Promise<{ bytesRead: number }> | undefined = file.read(
    buffers[0]!,
    0,
    CHUNK_BYTES,
    null,
  );
  try {
    for (;;) {
      const { bytesRead } = await reading;
      reading = undefined;
      if (bytesRead === 0) return;
      const chunk = buffers[which]!.subarray(0, bytesRead);
      which = 1 - which;
      reading = file.read(buffers[which]!, 0, CHUNK_BYTES, null);
      // Awaited at the next chunk; handled now so that a read failing while the caller holds
      // this chunk is not an unhandled rejection in the meantime.
      reading.catch(() => undefined);
      yield chunk;
    }
  } finally {
    // A read still under way writes into a buffer and holds the file: let it end first.
    await reading?.catch(() => undefined);
    await file.close();
    // Kept for the next report (shards are read one after another): fresh memory costs a page
    // fault per 4 KiB written, and the garbage collector frees memory outside the heap late.
    for (const buffer of buffers) if (spareBuffers.length < 2) spareBuffers.push(buffer);
  }
}

/** Read buffers of finished reads, each in use by one read at a time. */
const spareBuffers: Buffer[] = [];

function spareBuffer(): Buffer {
  return spareBuffers.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
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
