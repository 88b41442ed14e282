import { describe, expect, it } from 'vitest';
import {
  checkImmutable,
  DEFAULT_IMMUTABLE,
  parseTagPattern,
  type PlannedMoves,
} from '../../../src/image/registry/immutable.js';

describe('DEFAULT_IMMUTABLE: full semver versions never move', () => {
  it.each<[string, boolean]>([
    ['1.2.3', true],
    ['v1.2.3', true],
    ['0.0.0', true],
    ['10.20.30', true],
    ['1.2.3-rc.1', true],
    ['v2.0.8-beta.67', true],
    ['1.2.3-alpha-2', true],
    ['1.2', false],
    ['1', false],
    ['v1', false],
    ['latest', false],
    ['main', false],
    ['sha-1a2b3c4', false],
    ['pr-12', false],
    ['1.2.3.4', false],
    ['01.2.3', false],
    ['1.02.3', false],
    ['V1.2.3', false],
    ['1.2.3-', false],
    ['1.2.3-rc..1', false],
    ['release-1.2.3', false],
    ['1.2.3-sha-abc1234', true],
  ])('%s -> %s', (tag, immutable) => {
    expect(DEFAULT_IMMUTABLE.test(tag)).toBe(immutable);
  });
});

describe('parseTagPattern', () => {
  it.each<[string, string, boolean]>([
    ['1.2.3', '1.2.3', true],
    ['1.2.3', '1x2x3', false],
    ['v*', 'v1.2.3', true],
    ['v*', 'dev', false],
    ['release-*', 'release-2024-01', true],
    ['release-*', 'prerelease-1', false],
    ['?.?.?', '1.2.3', true],
    ['?.?.?', '10.2.3', false],
    ['stable', 'stable', true],
    ['stable', 'stable-2', false],
    ['/^\\d+\\.\\d+$/', '1.2', true],
    ['/^\\d+\\.\\d+$/', '1.2.3', false],
    ['/^STABLE$/i', 'stable', true],
    ['/rc/', '1.0.0-rc.1', true],
  ])('%s on %s -> %s', (pattern, tag, matches) => {
    expect(parseTagPattern(pattern).test(tag)).toBe(matches);
  });

  it.each<[string, string]>([
    ['/[unclosed/', 'has an invalid regular expression /[unclosed/'],
    ['  ', 'has an empty tag pattern'],
  ])('%j is refused', (pattern, problem) => {
    expect(() => parseTagPattern(pattern)).toThrow(problem);
  });
});

const NEW = `sha256:${'1'.repeat(64)}`;
const OLD = `sha256:${'2'.repeat(64)}`;

function plan(...targets: Array<[tag: string, action: 'create' | 'move' | 'unchanged']>) {
  return {
    source: { digest: NEW },
    targets: targets.map(([tag, action]) => ({
      reference: { registry: 'ghcr.io', repository: 'org/app', tag },
      action,
      ...(action === 'create' ? {} : { current: action === 'move' ? OLD : NEW }),
    })),
  } satisfies PlannedMoves;
}

describe('checkImmutable', () => {
  it.each<[string, PlannedMoves, Array<RegExp | string> | undefined, string[]]>([
    ['creating a version tag is allowed', plan(['1.2.3', 'create']), undefined, []],
    ['re-promoting the same digest is allowed', plan(['1.2.3', 'unchanged']), undefined, []],
    [
      'floating tags may move',
      plan(['1.2', 'move'], ['1', 'move'], ['latest', 'move']),
      undefined,
      [],
    ],
    [
      'moving a version tag is refused',
      plan(['1.2.3', 'move'], ['latest', 'move']),
      undefined,
      [
        `ghcr.io/org/app:1.2.3 is immutable (matches ${String(DEFAULT_IMMUTABLE)}) and already points to ${OLD}; promoting would move it to ${NEW}.`,
      ],
    ],
    [
      'custom glob',
      plan(['stable', 'move'], ['1.2.3', 'move']),
      ['stable'],
      [
        `ghcr.io/org/app:stable is immutable (matches /^stable$/) and already points to ${OLD}; promoting would move it to ${NEW}.`,
      ],
    ],
    ['no patterns: nothing is immutable', plan(['1.2.3', 'move']), [], []],
    [
      'global regex is not fooled by lastIndex',
      plan(['1.2.3', 'move'], ['2.0.0', 'move']),
      [/\d+\.\d+\.\d+/g],
      [
        `ghcr.io/org/app:1.2.3 is immutable (matches /\\d+\\.\\d+\\.\\d+/g) and already points to ${OLD}; promoting would move it to ${NEW}.`,
        `ghcr.io/org/app:2.0.0 is immutable (matches /\\d+\\.\\d+\\.\\d+/g) and already points to ${OLD}; promoting would move it to ${NEW}.`,
      ],
    ],
  ])('%s', (_name, planned, patterns, problems) => {
    expect(checkImmutable(planned, patterns)).toEqual(problems);
  });
});
