import { describe, expect, it } from 'vitest';
import { toolAvailable } from './tools.js';

describe('toolAvailable', () => {
  it.each([
    [{ program: 'git', debianPackage: 'git' }, true],
    [{ program: 'slipway-no-such-tool', debianPackage: 'none' }, false],
    [{ program: 'git', debianPackage: 'git', versionArgs: ['--no-such-flag'] }, false],
  ])('%j -> %s', (tool, expected) => {
    expect(toolAvailable(tool)).toBe(expected);
  });
});
