import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseYaml, parseYamlDocuments, renderYaml, YamlError } from '../../src/core/yaml.js';

async function failureOf(parse: () => Promise<unknown>): Promise<YamlError> {
  const error = await parse().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(YamlError);
  return error as YamlError;
}

/** Four levels of nine aliases: 14 values written, over 8,000 when expanded. */
const ALIAS_BOMB = [
  'a: &a [x, x, x, x, x, x, x, x, x]',
  'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
  'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
  'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
].join('\n');

describe('parseYaml', () => {
  it.each([
    { text: 'a: 1\nb: [x, "2"]\n', value: { a: 1, b: ['x', '2'] } },
    { text: '{"json": true, "n": null}', value: { json: true, n: null } },
    { text: '', value: null },
    { text: '# only a comment\n', value: null },
    // YAML 1.2's core schema, as kubectl's JSON has no dates or binary data.
    { text: 'date: 2001-12-14\non: yes\n', value: { date: '2001-12-14', on: 'yes' } },
    // A tag runs nothing and changes nothing: its node's data is kept.
    {
      text: 'f: !!js/function "() => 1"\nr: !Ref web\nm: !x { a: 1 }\n',
      value: { f: '() => 1', r: 'web', m: { a: 1 } },
    },
    // A few repeated blocks, as real configuration has them.
    {
      text: 'base: &env [{ name: A, value: "1" }]\nweb: *env\nworker: *env\n',
      value: {
        base: [{ name: 'A', value: '1' }],
        web: [{ name: 'A', value: '1' }],
        worker: [{ name: 'A', value: '1' }],
      },
    },
  ])('reads $text', async ({ text, value }) => {
    expect(await parseYaml(text)).toEqual(value);
  });

  it.each([
    { text: 'kind: [unclosed\n', reason: /^unexpected end of the stream .* at line 2, column 1$/ },
    { text: 'a: 1\na: 2\n', reason: /^duplicated mapping key at line 2, column 1$/ },
    { text: 'a: 1\n---\nb: 2\n', reason: /^expected a single document/ },
    { text: `${'['.repeat(20_000)}${']'.repeat(20_000)}`, reason: /./ },
  ])('refuses $text with where it stopped', async ({ text, reason }) => {
    const error = await failureOf(() => parseYaml(text));
    expect(error.message).toMatch(reason);
    expect(error.message).not.toContain('\n');
  });

  it('refuses an alias bomb without expanding it', async () => {
    const error = await failureOf(() => parseYaml(ALIAS_BOMB));
    expect(error.message).toMatch(/^its aliases would make it \d+ times larger/);
  });

  it('refuses a node that contains itself through an alias', async () => {
    const error = await failureOf(() => parseYaml('a: &a { b: *a }\n'));
    expect(error.message).toMatch(/contains it/);
  });
});

describe('parseYamlDocuments', () => {
  it('reads every document, an empty one as null', async () => {
    expect(await parseYamlDocuments('a: 1\n---\n---\nb: 2\n')).toEqual([{ a: 1 }, null, { b: 2 }]);
  });

  it('refuses an alias bomb in any document', async () => {
    await failureOf(() => parseYamlDocuments(`a: 1\n---\n${ALIAS_BOMB}`));
  });
});

describe('renderYaml', () => {
  it('writes what YAML 1.1 (kubectl) reads back as the same value', async () => {
    const shared = { name: 'A', value: '1' };
    const value = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      data: { debug: 'on', mask: '0x1F', ratio: '1_', empty: '' },
      long: 'x'.repeat(200),
      lines: 'first\nsecond\n',
      env: [shared, shared],
    };
    const text = await renderYaml(value);
    expect(YAML.parse(text, { version: '1.1' })).toEqual(value);
    // Long strings on one line; a value used twice written twice, without anchors.
    expect(text.split('\n').find((line) => line.startsWith('long:'))).toHaveLength(206);
    expect(text).not.toMatch(/[&*]ref/);
  });

  it('keeps the keys in their order', async () => {
    expect(await renderYaml({ kind: 'Service', apiVersion: 'v1', metadata: { name: 's' } })).toBe(
      'kind: Service\napiVersion: v1\nmetadata:\n  name: s\n',
    );
  });
});
