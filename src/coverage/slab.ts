/**
 * Typed arrays carved out of shared 1 MiB ArrayBuffers. Every ArrayBuffer of its own costs about
 * 850 bytes besides its data, which for 20,000 files of a few hundred lines each is more than the
 * coverage itself; a view into a shared buffer costs only its small heap object. A slab lives as
 * long as any view into it, so the coverage model's slabs die with the model; only the slab being
 * filled is held here.
 */
const SLAB_BYTES = 1 << 20;
/** Larger arrays get their own buffer: the tail of a slab they would skip is then never wasted. */
const OWN_BUFFER_BYTES = SLAB_BYTES / 16;
const EMPTY = new Uint32Array(0);

let slab: ArrayBuffer | undefined;
let used = 0;

/** A zero-filled Uint32Array of `length`, from the current slab when small. */
export function slabUint32(length: number): Uint32Array {
  if (length === 0) return EMPTY;
  const bytes = length * 4;
  if (bytes > OWN_BUFFER_BYTES) return new Uint32Array(length);
  const offset = reserve(bytes);
  return new Uint32Array(slab!, offset, length);
}

/** `array` copied into a new slab array of `length` (≥ its length), e.g. to grow it. */
export function grownUint32(array: Uint32Array, length: number): Uint32Array {
  const grown = slabUint32(length);
  grown.set(array);
  return grown;
}

/** Counts stored as narrowly as their values allow: most files' counts fit in a byte. */
export type CountArray = Uint8Array | Uint16Array | Uint32Array;

/** A zero-filled count array of `length` elements of `bytes` each, from the current slab. */
export function slabCounts(length: number, bytes: 1 | 2 | 4): CountArray {
  if (bytes === 4) return slabUint32(length);
  if (length === 0) return bytes === 1 ? EMPTY_BYTES : EMPTY_SHORTS;
  const size = length * bytes;
  if (size > OWN_BUFFER_BYTES)
    return bytes === 1 ? new Uint8Array(length) : new Uint16Array(length);
  const offset = reserve(size);
  return bytes === 1
    ? new Uint8Array(slab!, offset, length)
    : new Uint16Array(slab!, offset, length);
}

const EMPTY_BYTES = new Uint8Array(0);
const EMPTY_SHORTS = new Uint16Array(0);

/** Takes `size` bytes of the current slab (starting a new one when it is full), 4-aligned. */
function reserve(size: number): number {
  const aligned = (size + 3) & ~3;
  if (!slab || used + aligned > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const offset = used;
  used += aligned;
  return offset;
}

/**
 * The count array at `byteOffset` of `buffer`, made afresh. Objects the parse keeps by the
 * thousand hold this place (a shared reference and three small integers) rather than the typed
 * array itself, which is a heap object of about 100 bytes; the views made on access die young.
 */
export function countView(
  buffer: ArrayBufferLike,
  byteOffset: number,
  length: number,
  bytes: number,
): CountArray {
  if (bytes === 1) return new Uint8Array(buffer, byteOffset, length);
  if (bytes === 2) return new Uint16Array(buffer, byteOffset, length);
  return new Uint32Array(buffer, byteOffset, length);
}
