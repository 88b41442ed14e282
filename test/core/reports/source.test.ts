import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileSource } from '../../../src/core/reports/source.js';

const MIB = 1024 * 1024;
let dir: string;
let first: Buffer;
let second: Buffer;

/** Bytes that differ at every offset of a buffer-sized stretch, so a chunk from the wrong read shows. */
function patterned(bytes: number, seed: number): Buffer {
  const buffer = Buffer.alloc(bytes);
  for (let at = 0; at + 4 <= bytes; at += 4)
    buffer.writeUInt32LE((at * 2654435761 + seed) >>> 0, at);
  return buffer;
}

async function readAll(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const copies: Buffer[] = [];
  for await (const chunk of chunks) copies.push(Buffer.from(chunk)); // the chunk is reused
  return Buffer.concat(copies);
}

/** This process's open file descriptors (Linux). */
const openFiles = () => readdirSync('/proc/self/fd').length;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-source-'));
  first = patterned(3 * MIB + 12345, 1);
  second = patterned(2 * MIB + 7, 2);
  await writeFile(join(dir, 'first'), first);
  await writeFile(join(dir, 'second'), second);
  await writeFile(join(dir, 'empty'), '');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('fileSource readChunks', () => {
  it('gives every byte of the file once, in order, over several buffers', async () => {
    expect((await readAll(fileSource(join(dir, 'first')).readChunks!())).equals(first)).toBe(true);
    expect(await readAll(fileSource(join(dir, 'empty')).readChunks!())).toHaveLength(0);
  });

  it('closes the file when its reader stops early, and the next read gets its own bytes', async () => {
    const before = openFiles();
    for await (const chunk of fileSource(join(dir, 'first')).readChunks!()) {
      expect(chunk.length).toBe(MIB);
      break;
    }
    expect(openFiles()).toBe(before);
    expect((await readAll(fileSource(join(dir, 'second')).readChunks!())).equals(second)).toBe(
      true,
    );
  });

  it('keeps two reports read at the same time apart', async () => {
    const a = fileSource(join(dir, 'first')).readChunks!()[Symbol.asyncIterator]();
    const b = fileSource(join(dir, 'second')).readChunks!()[Symbol.asyncIterator]();
    const copies: Record<'a' | 'b', Buffer[]> = { a: [], b: [] };
    let aDone = false;
    let bDone = false;
    while (!aDone || !bDone) {
      if (!aDone) {
        const next = await a.next();
        if (next.done) aDone = true;
        else copies.a.push(Buffer.from(next.value));
      }
      if (!bDone) {
        const next = await b.next();
        if (next.done) bDone = true;
        else copies.b.push(Buffer.from(next.value));
      }
    }
    expect(Buffer.concat(copies.a).equals(first)).toBe(true);
    expect(Buffer.concat(copies.b).equals(second)).toBe(true);
  });

  it('fails with the system error when the file is missing', async () => {
    await expect(readAll(fileSource(join(dir, 'missing')).readChunks!())).rejects.toThrow(/ENOENT/);
  });
});
