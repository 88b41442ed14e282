/**
 * GitHub's published OpenAPI description (npm @octokit/openapi), loaded once per process: each
 * documented operation with its parameters and schemas resolved, and each path template compiled
 * to a pattern that request paths are matched against.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

export const SCHEMA_ID = 'https://slipway.test/api.github.com.json';
export const GENERIC_DOCS = 'https://docs.github.com/rest';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
export type Method = (typeof METHODS)[number];

export type Json = Record<string, unknown>;
interface ParameterObject {
  name: string;
  in: string;
  required?: boolean;
  schema?: Json;
  'x-multi-segment'?: boolean;
}
interface OperationObject {
  operationId: string;
  parameters?: Array<ParameterObject | { $ref: string }>;
  requestBody?: { required?: boolean; content: Record<string, unknown> } | { $ref: string };
  responses: Record<string, Json>;
  externalDocs?: { url: string };
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Partial<Record<Method, OperationObject>>>;
  components: Record<string, Record<string, Json>>;
  'x-webhooks'?: Record<string, Partial<Record<Method, OperationObject>>>;
}

/** One documented operation, with what request validation needs resolved up front. */
export interface Operation {
  method: Method;
  route: string;
  operationId: string;
  documentationUrl: string;
  parameters: ResolvedParameter[];
  /** JSON pointer (in the loaded document) to the JSON request body schema, if there is one. */
  bodySchemaPointer: string | undefined;
  bodyRequired: boolean;
  /** The operation takes a body, but not JSON (e.g. text/plain markdown): not validated. */
  acceptsNonJsonBody: boolean;
  responses: Record<string, { schemaPointer: string | undefined }>;
}
interface ResolvedParameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  multiSegment: boolean;
  /** The schema with $refs resolved one level, for coercing query strings to typed values. */
  schema: Json;
  schemaPointer: string;
}
export interface RouteEntry {
  route: string;
  pattern: RegExp;
  names: string[];
  literalLength: number;
  operations: Partial<Record<Method, Operation>>;
}
export interface LoadedApi {
  ajv: Ajv;
  routes: RouteEntry[];
  byOperationId: Map<string, Operation>;
  validators: Map<string, ValidateFunction>;
}

let loaded: LoadedApi | undefined;

// ajv-formats is CommonJS: depending on the loader, its function is the default export or under it.
type FormatsPlugin = typeof addFormatsModule.default;
const addFormats: FormatsPlugin =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  (addFormatsModule as unknown as FormatsPlugin);

const escapePointer = (part: string) => part.replace(/~/g, '~0').replace(/\//g, '~1');
export const pointer = (...parts: string[]) => '#/' + parts.map(escapePointer).join('/');

/**
 * The file is OpenAPI 3.0.x, whose `nullable: true` is not JSON Schema: turn it into a type that
 * admits null. Keywords that hold data rather than schemas are copied untouched.
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    const holdsData = ['example', 'examples', 'enum', 'default', 'const'].includes(key);
    out[key] = holdsData ? value : toJsonSchema(value);
  }
  if (out.nullable !== true) return out;
  delete out.nullable;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

function openApiPath(): string {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('@octokit/openapi/package.json');
  return packageJson.replace(/package\.json$/, 'generated/api.github.com.json');
}

let examples: Record<string, Json> | undefined;

/** A response example GitHub documents (components.examples), as a fresh copy. */
export function documentedExample(name: string): Json {
  loadApi();
  const example = examples?.[name] as { value?: Json } | undefined;
  if (!example?.value) throw new Error(`GitHub's OpenAPI description has no example '${name}'`);
  return structuredClone(example.value);
}

export function loadApi(): LoadedApi {
  if (loaded) return loaded;
  const document = JSON.parse(readFileSync(openApiPath(), 'utf8')) as OpenApiDocument;
  examples = document.components.examples;
  if (!/^3\.0\./.test(document.openapi)) {
    // 3.1 uses JSON Schema 2020-12 (type arrays instead of nullable): toJsonSchema would be wrong.
    throw new Error(`fake-github understands OpenAPI 3.0.x, found ${document.openapi}`);
  }
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
  addFormats(ajv);
  ajv.addFormat('repo.nwo', /^[^/]+\/[^/]+$/);
  ajv.addSchema(
    {
      $id: SCHEMA_ID,
      paths: toJsonSchema(document.paths),
      components: toJsonSchema(document.components),
    },
    undefined,
    undefined,
    false,
  );

  const byOperationId = new Map<string, Operation>();
  const routes: RouteEntry[] = [];
  for (const [route, pathItem] of Object.entries(document.paths)) {
    const operations: Partial<Record<Method, Operation>> = {};
    for (const method of METHODS) {
      const raw = pathItem[method];
      if (!raw) continue;
      const operation = resolveOperation(document, route, method, raw);
      operations[method] = operation;
      byOperationId.set(operation.operationId, operation);
    }
    routes.push(compileRoute(route, operations));
  }
  // Literal segments win over parameters, as GitHub routes /issues/comments before /issues/{n}.
  routes.sort((a, b) => b.literalLength - a.literalLength);
  loaded = { ajv, routes, byOperationId, validators: new Map() };
  return loaded;
}

function resolveRef<T>(document: OpenApiDocument, value: T | { $ref: string }): [T, string?] {
  if (value && typeof value === 'object' && '$ref' in value && typeof value.$ref === 'string') {
    const [, section, name] = /^#\/components\/([^/]+)\/(.+)$/.exec(value.$ref) ?? [];
    const target = section && name ? document.components[section]?.[name] : undefined;
    if (!target) throw new Error(`fake-github: cannot resolve ${value.$ref}`);
    return [target as T, pointer('components', section!, name!)];
  }
  return [value as T];
}

function resolveOperation(
  document: OpenApiDocument,
  route: string,
  method: Method,
  raw: OperationObject,
): Operation {
  const here = ['paths', route, method];
  const parameters: ResolvedParameter[] = [];
  (raw.parameters ?? []).forEach((entry, index) => {
    const [parameter, refPointer] = resolveRef<ParameterObject>(document, entry);
    if (parameter.in !== 'path' && parameter.in !== 'query') return;
    const base = refPointer ?? pointer(...here, 'parameters', String(index));
    const [schema] = resolveRef<Json>(document, parameter.schema ?? {});
    parameters.push({
      name: parameter.name,
      in: parameter.in,
      required: parameter.in === 'path' || parameter.required === true,
      multiSegment: parameter['x-multi-segment'] === true,
      schema,
      schemaPointer: `${base}/schema`,
    });
  });

  let bodySchemaPointer: string | undefined;
  let bodyRequired = false;
  let acceptsNonJsonBody = false;
  if (raw.requestBody) {
    const [body, refPointer] = resolveRef(document, raw.requestBody);
    const base = refPointer ?? pointer(...here, 'requestBody');
    bodyRequired = body.required === true;
    if ('application/json' in body.content) {
      bodySchemaPointer = `${base}/content/application~1json/schema`;
    } else {
      acceptsNonJsonBody = true;
    }
  }

  const responses: Operation['responses'] = {};
  for (const [status, entry] of Object.entries(raw.responses)) {
    const [response, refPointer] = resolveRef<{ content?: Record<string, unknown> }>(
      document,
      entry,
    );
    const base = refPointer ?? pointer(...here, 'responses', status);
    const json = response.content !== undefined && 'application/json' in response.content;
    responses[status] = {
      schemaPointer: json ? `${base}/content/application~1json/schema` : undefined,
    };
  }

  return {
    method,
    route,
    operationId: raw.operationId,
    documentationUrl: raw.externalDocs?.url ?? GENERIC_DOCS,
    parameters,
    bodySchemaPointer,
    bodyRequired,
    acceptsNonJsonBody,
    responses,
  };
}

function compileRoute(route: string, operations: Partial<Record<Method, Operation>>): RouteEntry {
  const multiSegment = new Set(
    Object.values(operations).flatMap((operation) =>
      operation.parameters.filter((p) => p.multiSegment).map((p) => p.name),
    ),
  );
  const names: string[] = [];
  let literalLength = 0;
  const source = route
    .split(/(\{[^}]+\})/)
    .map((piece) => {
      const name = /^\{([^}]+)\}$/.exec(piece)?.[1];
      if (!name) {
        literalLength += piece.length;
        return piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      }
      names.push(name);
      return multiSegment.has(name) ? '(.+?)' : '([^/]+?)';
    })
    .join('');
  return { route, pattern: new RegExp(`^${source}$`), names, literalLength, operations };
}

export function findOperation(name: string): Operation {
  const api = loadApi();
  const [method, route] = name.includes(' ') ? name.split(/\s+/, 2) : [];
  const operation =
    method && route
      ? api.routes.find((entry) => entry.route === route)?.operations[
          method.toLowerCase() as Method
        ]
      : api.byOperationId.get(name);
  if (!operation) {
    throw new Error(
      `fake-github: '${name}' is not a documented operation; use 'METHOD /path/{template}' ` +
        `exactly as GitHub's OpenAPI description writes it, or an operationId`,
    );
  }
  return operation;
}
