import { describe, expect, it } from 'vitest';
import { pushEachTag } from '../../../src/image/builders/builder-process.js';

const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;

describe('pushEachTag', () => {
  it.each([
    ['every tag at one digest', [A, A], A, []],
    ['a tag that landed elsewhere', [A, B], A, [`r:2 was pushed as ${B}, not ${A} like r:1.`]],
    ['a push that reported nothing', [undefined, A], A, ['The push of r:1 reported no digest.']],
  ])('%s', async (_name, digests, digest, warnings) => {
    const order: string[] = [];
    const result = await pushEachTag(['r:1', 'r:2'], async (tag, index) => {
      order.push(tag);
      return digests[index];
    });
    expect(order).toEqual(['r:1', 'r:2']);
    expect(result).toEqual({ digest, pushed: ['r:1', 'r:2'], warnings });
  });
});
