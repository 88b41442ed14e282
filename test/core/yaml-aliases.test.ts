import * as jsYaml from 'js-yaml';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { aliasProblem, MAX_ALIAS_GROWTH } from '../../src/core/yaml-aliases.js';

/** A list of `width` copies of an anchored list, `depth` times over: an alias bomb when large. */
function aliasBomb(depth: number, width: number): string {
  const lines = [`l0: &l0 [${Array(width).fill('x').join(', ')}]`];
  for (let level = 1; level <= depth; level += 1) {
    lines.push(
      `l${level}: &l${level} [${Array(width)
        .fill(`*l${level - 1}`)
        .join(', ')}]`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One anchored env list of `entries` name/value pairs, used by `uses` containers. */
function sharedEnv(entries: number, uses: number): string {
  const env = Array.from({ length: entries }, (_, i) => `{ name: V${i}, value: "${i}" }`);
  const containers = Array.from(
    { length: uses - 1 },
    (_, i) => `  - { name: c${i + 1}, env: *env }`,
  );
  return ['containers:', `  - { name: c0, env: &env [${env.join(', ')}] }`, ...containers, ''].join(
    '\n',
  );
}

/** Whether the `yaml` library, with the limit of 100 this project used before, accepted the text. */
function yamlAccepted(text: string): boolean {
  try {
    YAML.parse(text, { maxAliasCount: 100 });
    return true;
  } catch {
    return false;
  }
}

describe('aliasProblem', () => {
  // Not the same rule as `yaml`'s (an anchor used at most 100 times, weighted by the aliases inside
  // it), but the same answer away from the edge: a block used up to 100 times fits.
  it.each([
    { name: 'no aliases', text: 'a: [1, 2, { b: 3 }]\n', accepted: true },
    { name: 'an env list of 120 used by 3 containers', text: sharedEnv(120, 3), accepted: true },
    {
      name: 'an env list of 500 used by 100 containers',
      text: sharedEnv(500, 100),
      accepted: true,
    },
    {
      name: 'an env list of 500 used by 130 containers',
      text: sharedEnv(500, 130),
      accepted: false,
    },
    { name: 'four levels of nine aliases', text: aliasBomb(3, 9), accepted: false },
    { name: 'nine levels of nine aliases', text: aliasBomb(9, 9), accepted: false },
  ])('$name: accepted as the `yaml` library accepted it', ({ text, accepted }) => {
    const problem = aliasProblem(jsYaml.load(text));
    expect(problem === undefined).toBe(accepted);
    expect(yamlAccepted(text)).toBe(accepted);
  });

  it('says how much larger a bomb would be, without expanding it', () => {
    expect(aliasProblem(jsYaml.load(aliasBomb(30, 9)))).toBe(
      `its aliases would make it millions of times larger (41 values written), as an alias bomb does; at most ${MAX_ALIAS_GROWTH} times is accepted`,
    );
  });

  it('refuses a value that contains itself, through a list or a mapping', () => {
    const list: unknown[] = [1];
    list.push({ back: list });
    expect(aliasProblem(list)).toMatch(/contains it/);
    expect(aliasProblem(jsYaml.load('a: &a { b: [*a] }\n'))).toMatch(/contains it/);
  });

  it('accepts a small document repeating a few values many times', () => {
    const pair = { name: 'A', value: '1' };
    expect(aliasProblem({ uses: Array(300).fill(pair) })).toBeUndefined();
  });
});
