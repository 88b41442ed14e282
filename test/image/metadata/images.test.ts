import { describe, expect, it } from 'vitest';
import { parseImages, type ImageEntry } from '../../../src/image/metadata/images.js';

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
