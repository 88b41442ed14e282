import * as jsYaml from 'js-yaml';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { yamlSchemas } from '../../src/core/yaml-schema.js';

const schemas = yamlSchemas(jsYaml);

// Every way a plain scalar can look, read as the `yaml` library (YAML 1.2 core) read it before.
const SCALARS = [
  ...[
    '1',
    '-1',
    '+1',
    '0755',
    '007',
    '1_000',
    '1_0.5',
    '12_',
    '0b101',
    '-0b1',
    '0o17',
    '+0o7',
    '0o8',
  ],
  ...['0x1F', '0X1F', '-0x1F', '0x', '1.5', '.5', '-.5', '+.5', '5.', '1e3', '1E-3', '-1.5e+3'],
  ...[
    '.inf',
    '-.Inf',
    '+.INF',
    '.nan',
    '.NaN',
    'NAN',
    'inf',
    '1:20',
    '2001-12-14',
    '2001-12-14T21:59:43Z',
  ],
  ...['true', 'True', 'TRUE', 'tRue', 'false', 'yes', 'no', 'on', 'off', 'y', 'n'],
  ...['~', 'null', 'Null', 'NULL', 'nil', '', '<<', '=', 'a b', '0.0.1', '1.2.3', '.', '_'],
];

describe('reading with the read schema', () => {
  it.each(SCALARS)('reads %j as YAML 1.2’s core schema does', (scalar) => {
    const text = `value: ${scalar}\n`;
    expect(jsYaml.load(text, { schema: schemas.read })).toEqual(YAML.parse(text));
  });

  // A key is a string either way; only a null key differs: `yaml` made it '', js-yaml 'null'.
  it.each(SCALARS.filter((scalar) => !/^(~|null|Null|NULL|)$/.test(scalar)))(
    'reads the key %j as YAML 1.2’s core schema does',
    (scalar) => {
      const text = `${scalar}: key\n`;
      expect(jsYaml.load(text, { schema: schemas.read })).toEqual(YAML.parse(text));
    },
  );

  it.each([
    ['!!str 123', '123'],
    ['!!int "5"', 5],
    ['!!float "1"', 1],
    ['!!bool "true"', true],
    ['!!null ""', null],
    ['!!js/function "() => 1"', '() => 1'],
    ['!!timestamp 2001-12-14', '2001-12-14'],
    ['!Ref web', 'web'],
    ['!x { a: 1 }', { a: 1 }],
    ['!x [1, two]', [1, 'two']],
  ])('reads the tagged %s as plain data', (scalar, value) => {
    expect(jsYaml.load(`value: ${scalar}\n`, { schema: schemas.read })).toEqual({ value });
  });
});

describe('writing with the write schema', () => {
  // Strings a YAML 1.1 reader such as kubectl's would take for numbers, booleans or null.
  const ambiguous = [
    ...SCALARS,
    ...['1_', '+1_', '1__', '1.5_', '.5_', '0x1F_', '0b1_', '1_000.5', '_1', '0.5e3'],
  ];

  it('writes every string so that YAML 1.1 reads it back as the same string', () => {
    const value = { data: Object.fromEntries(ambiguous.map((text) => [text || 'empty', text])) };
    const text = jsYaml.dump(value, { schema: schemas.write, noRefs: true, lineWidth: -1 });
    expect(YAML.parse(text, { version: '1.1' })).toEqual(value);
  });

  it('leaves plain the strings no reader takes for anything else', () => {
    const text = jsYaml.dump(
      { image: 'ghcr.io/acme/web:1.2.3', name: 'web', version: 'v1.2' },
      { schema: schemas.write },
    );
    expect(text).toBe('image: ghcr.io/acme/web:1.2.3\nname: web\nversion: v1.2\n');
  });
});
