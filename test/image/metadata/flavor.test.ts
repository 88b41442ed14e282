import { describe, expect, it } from 'vitest';
import { parseFlavor, type Flavor } from '../../../src/image/metadata/flavor.js';

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
