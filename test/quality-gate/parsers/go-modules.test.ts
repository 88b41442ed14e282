import { describe, expect, it } from 'vitest';
import { modulePath, useDirectives } from '../../../src/quality-gate/parsers/go-modules.js';

describe('go.mod and go.work', () => {
  it.each<[string, string, string | undefined]>([
    ['plain', 'module example.com/app\n\ngo 1.22\n', 'example.com/app'],
    [
      'quoted, after a comment',
      '// Deprecated: use v2\nmodule "example.com/app/v2"\n',
      'example.com/app/v2',
    ],
    ['with a trailing comment', 'module example.com/app // the app\n', 'example.com/app'],
    ['without a module line', 'go 1.22\n', undefined],
  ])('module path: %s', (_case, goMod, expected) => {
    expect(modulePath(goMod)).toBe(expected);
  });

  it('use directives, single and in blocks, quoted or not', () => {
    const goWork = 'go 1.22\n\nuse ./tools\n\nuse (\n\t./api // service\n\t"./lib"\n)\n';
    expect(useDirectives(goWork).sort()).toEqual(['./api', './lib', './tools']);
  });
});
