import { describe, expect, it } from 'vitest';
import { parseTagSpec, parseTagSpecs } from '../../../src/image/metadata/tag-spec.js';

describe('one tags line', () => {
  it.each<[string, Record<string, unknown>]>([
    [
      'type=semver,pattern={{version}}',
      { type: 'semver', pattern: '{{version}}', value: '', priority: 900, enable: 'true' },
    ],
    ['TYPE=semver,Pattern={{version}}', { type: 'semver', pattern: '{{version}}' }],
    [
      ' type = sha , format = long ',
      { type: 'sha', format: 'long', prefix: 'sha-', priority: 100 },
    ],
    ['type=sha', { type: 'sha', format: 'short', prefix: 'sha-' }],
    ['type=ref,event=pr', { type: 'ref', event: 'pr', prefix: 'pr-', priority: 600 }],
    ['type=ref,event=pr,prefix=', { type: 'ref', event: 'pr', prefix: '' }],
    ['type=raw,value=a=b', { type: 'raw', value: 'a=b', priority: 200 }],
    ['foo', { type: 'raw', value: 'foo' }],
    ['type=raw,foo,', { type: 'raw', value: 'foo' }],
    ['value=bar,priority=5', { type: 'raw', value: 'bar', priority: 5 }],
    ['type=schedule', { type: 'schedule', pattern: 'nightly', priority: 1000 }],
    ['type=edge', { type: 'edge', branch: '', priority: 700 }],
    ['type=edge,branch=develop,priority=1.5', { type: 'edge', branch: 'develop', priority: 1.5 }],
    ['type=match,pattern=v(.*),group=1', { type: 'match', group: 1, priority: 800, value: '' }],
    [
      'type=sha,enable={{is_default_branch}},suffix=-{{branch}}',
      { enable: '{{is_default_branch}}', suffix: '-{{branch}}' },
    ],
    ['type=semver,pattern={{version}},value=v1.0.0,match=v(\\d.\\d)', { value: 'v1.0.0' }],
  ])('%s', (line, expected) => {
    expect(parseTagSpec(line)).toMatchObject({ line, ...expected });
  });

  it.each<[string, string]>([
    ['type=match,"pattern=\\d{1,3}",group=0', '\\d{1,3}'],
    ['type=match,"pattern=say ""hi""",group=0', 'say "hi"'],
    ['type=match,pattern=/v(\\d+)/i', 'v(\\d+)'],
  ])('regex of %s', (line, source) => {
    expect(parseTagSpec(line).regex?.source).toBe(source);
  });

  it('a /regex/flags pattern keeps its flags', () => {
    expect(parseTagSpec('type=match,pattern=/^v(\\d+)/gi').regex?.flags).toBe('gi');
  });
});

describe('tags input', () => {
  it.each<[string, string[], string[]]>([
    [
      'empty means the four defaults',
      [],
      ['type=schedule', 'type=ref,event=branch', 'type=ref,event=tag', 'type=ref,event=pr'],
    ],
    [
      'sorted by priority, highest first',
      ['type=sha', 'type=raw,value=x', 'type=semver,pattern={{version}}', 'type=schedule'],
      ['type=schedule', 'type=semver,pattern={{version}}', 'type=raw,value=x', 'type=sha'],
    ],
    [
      'equal priorities keep their order',
      ['type=raw,value=b', 'type=ref,event=tag', 'type=raw,value=a', 'type=ref,event=branch'],
      ['type=ref,event=tag', 'type=ref,event=branch', 'type=raw,value=b', 'type=raw,value=a'],
    ],
    [
      'comments and blank lines are skipped',
      ['# release tags', 'type=semver,pattern={{version}}', ''],
      ['type=semver,pattern={{version}}'],
    ],
    ['a # inside a value is kept', ['type=raw,value=build#1'], ['type=raw,value=build#1']],
  ])('%s', (_name, lines, ordered) => {
    expect(parseTagSpecs(lines).map((spec) => spec.line)).toEqual(ordered);
  });
});
