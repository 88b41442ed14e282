/**
 * The schemas core/yaml.ts gives js-yaml. Built from the library it loaded on first use, so that
 * this module imports js-yaml's types only and never puts the library in a bundle.
 */
import type { Schema, Type } from 'js-yaml';

type JsYaml = typeof import('js-yaml');

/** YAML 1.2's core schema, as the spec resolves plain scalars (10.3.2), and nothing more. */
const CORE_SCALARS = {
  null: /^(?:~|null|Null|NULL)?$/,
  bool: /^(?:true|True|TRUE|false|False|FALSE)$/,
  int: /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/,
  float:
    /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
};

/**
 * Plain scalars that kubectl's YAML 1.1 reader (go-yaml v2) takes for a number: it drops every `_`
 * first and reads `0b`, `0o`, `0x`, a leading `0` (octal), signs and a bare `.5`. Broader than the
 * exact rule on purpose (a lone `.` too): quoting a string that needed none changes nothing.
 */
const YAML11_NUMBER =
  /^[-+]?(?:0b[01]+|0o?[0-7]+|0x[0-9a-fA-F]+|[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]*(?:[eE][-+]?[0-9]+)?|\.(?:inf|Inf|INF))$/;

export interface YamlSchemas {
  /** For reading: YAML 1.2's core schema, where a tag no type claims keeps its node's data. */
  read: Schema;
  /** For writing for kubectl: a string any YAML 1.1 reader would take for something else is quoted. */
  write: Schema;
}

export function yamlSchemas(library: JsYaml): YamlSchemas {
  const scalar = (name: string, pattern: RegExp, construct: (text: string) => unknown): Type =>
    new library.Type(`tag:yaml.org,2002:${name}`, {
      kind: 'scalar',
      resolve: (data: unknown) => typeof data === 'string' && pattern.test(data),
      construct,
    });
  const core = [
    scalar('null', CORE_SCALARS.null, () => null),
    scalar('bool', CORE_SCALARS.bool, (text) => text.toLowerCase() === 'true'),
    scalar('int', CORE_SCALARS.int, parseCoreInt),
    scalar('float', CORE_SCALARS.float, parseCoreFloat),
  ];
  // A `!Ref`, `!!js/function` or `!!timestamp` never runs code or changes a value's meaning here.
  const anyTag = (['scalar', 'sequence', 'mapping'] as const).map(
    (kind) => new library.Type('', { kind, multi: true, construct: (data: unknown) => data }),
  );
  // Only ever asked "would a reader take this string for something else?" when writing.
  const yaml11Number = new library.Type('tag:slipway,2026:yaml-1.1-number', {
    kind: 'scalar',
    resolve: (data: unknown) =>
      typeof data === 'string' && YAML11_NUMBER.test(data.replace(/_/g, '')),
  });
  return {
    read: library.FAILSAFE_SCHEMA.extend({ implicit: core, explicit: anyTag }),
    write: library.DEFAULT_SCHEMA.extend({ implicit: [yaml11Number] }),
  };
}

function parseCoreInt(text: string): number {
  if (text.startsWith('0o')) return parseInt(text.slice(2), 8);
  if (text.startsWith('0x')) return parseInt(text.slice(2), 16);
  return parseInt(text, 10);
}

function parseCoreFloat(text: string): number {
  const lower = text.toLowerCase();
  if (lower === '.nan') return NaN;
  if (lower.endsWith('.inf')) return lower.startsWith('-') ? -Infinity : Infinity;
  return parseFloat(text);
}
