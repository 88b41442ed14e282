import { describe, expect, it } from 'vitest';
import { parseFlavor, type Flavor } from '../../../src/image/metadata/flavor.js';
import { parseImages, type ImageEntry } from '../../../src/image/metadata/images.js';
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

describe('flavor input', () => {
  const defaults: Flavor = {
    latest: 'auto',
    prefix: '',
    prefixOnLatest: false,
    suffix: '',
    suffixOnLatest: false,
  };
  it.each<[string, string[], Flavor]>([
    ['empty', [], defaults],
    ['latest=false', ['latest=false'], { ...defaults, latest: 'false' }],
    ['latest=highest', ['latest=highest'], { ...defaults, latest: 'highest' }],
    [
      'prefix and suffix, onlatest for the prefix',
      ['prefix=app-,onlatest=true', 'suffix=-slim'],
      { ...defaults, prefix: 'app-', prefixOnLatest: true, suffix: '-slim' },
    ],
    [
      'onlatest belongs to the entry before it on the line',
      ['prefix=app-,suffix=-slim,onlatest=true'],
      { ...defaults, prefix: 'app-', suffix: '-slim', suffixOnLatest: true },
    ],
    [
      'keys are case-insensitive',
      ['LATEST=true', 'Prefix=a-'],
      { ...defaults, latest: 'true', prefix: 'a-' },
    ],
    ['a later line wins', ['prefix=a-', 'prefix=b-'], { ...defaults, prefix: 'b-' }],
    ['empty prefix', ['prefix='], defaults],
  ])('%s', (_name, lines, flavor) => {
    expect(parseFlavor(lines)).toEqual(flavor);
  });
});

describe('images input', () => {
  it.each<[string, string[], ImageEntry[]]>([
    [
      'one per line',
      ['ghcr.io/octo-org/app', 'octoorg/app'],
      [
        { name: 'ghcr.io/octo-org/app', enable: true },
        { name: 'octoorg/app', enable: true },
      ],
    ],
    [
      'comma list on one line',
      ['ghcr.io/octo-org/app, octoorg/app'],
      [
        { name: 'ghcr.io/octo-org/app', enable: true },
        { name: 'octoorg/app', enable: true },
      ],
    ],
    [
      'name= and enable=',
      ['name=GHCR.io/Octo-Org/App,enable=false'],
      [{ name: 'ghcr.io/octo-org/app', enable: false }],
    ],
    [
      'keys are case-insensitive',
      ['Name=octoorg/app,ENABLE=true'],
      [{ name: 'octoorg/app', enable: true }],
    ],
    ['single component name', ['app'], [{ name: 'app', enable: true }]],
    [
      'separators inside components',
      ['octo_org/a__b/c-d--e/f.g'],
      [{ name: 'octo_org/a__b/c-d--e/f.g', enable: true }],
    ],
    ['localhost registry', ['localhost/app'], [{ name: 'localhost/app', enable: true }]],
    [
      'registry with a port',
      ['registry.example.com:5000/team/app'],
      [{ name: 'registry.example.com:5000/team/app', enable: true }],
    ],
    ['IPv6 registry', ['[::1]:5000/app'], [{ name: '[::1]:5000/app', enable: true }]],
    ['empty input', [], []],
  ])('%s', (_name, lines, images) => {
    expect(parseImages(lines)).toEqual(images);
  });
});
