/**
 * Checks request parameters and bodies, and handler answers, against the documented schemas with
 * ajv. A request GitHub would refuse becomes a Rejection carrying the status and message GitHub
 * gives.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import {
  GENERIC_DOCS,
  loadApi,
  pointer,
  SCHEMA_ID,
  type Json,
  type LoadedApi,
  type Operation,
} from './openapi-spec.js';
import type { ViolationKind } from './types.js';

function validatorFor(api: LoadedApi, schemaPointer: string): ValidateFunction {
  let validate = api.validators.get(schemaPointer);
  if (!validate) {
    validate = api.ajv.compile({ $ref: SCHEMA_ID + schemaPointer });
    api.validators.set(schemaPointer, validate);
  }
  return validate;
}

/**
 * Problems GitHub's documented schema finds in a payload, e.g. a webhook event fixture
 * (`webhookSchema` is a components/schemas name such as 'webhook-push'); empty when it conforms.
 */
export function schemaProblems(componentSchema: string, value: unknown): string[] {
  const api = loadApi();
  const validate = validatorFor(api, pointer('components', 'schemas', componentSchema));
  return validate(value) ? [] : describeErrors(validate.errors ?? []);
}

function describeErrors(errors: ErrorObject[]): string[] {
  return errors.slice(0, 8).map((error) => {
    const where = error.instancePath || '(root)';
    if (error.keyword === 'required') {
      return `${where}: "${String(error.params.missingProperty)}" wasn't supplied`;
    }
    if (error.keyword === 'enum') {
      return `${where} must be one of ${JSON.stringify(error.params.allowedValues)}`;
    }
    return `${where} ${error.message ?? 'is invalid'}`;
  });
}

export class Rejection {
  constructor(
    readonly kind: ViolationKind,
    readonly status: number,
    readonly githubMessage: string,
    readonly detail: string,
    readonly documentationUrl = GENERIC_DOCS,
  ) {}
}

function coerce(raw: string | string[], schema: Json): unknown {
  const values = Array.isArray(raw) ? raw : [raw];
  const type = schema.type;
  if (type === 'array') {
    const items = (schema.items as Json | undefined) ?? {};
    // Octokit sends non-exploded arrays as one comma-separated value.
    const parts = values.length === 1 ? values[0]!.split(',') : values;
    return parts.map((part) => coerce(part, items));
  }
  const value = values[values.length - 1]!;
  if (type === 'integer' && /^-?\d+$/.test(value)) return Number(value);
  if (type === 'number' && value.trim() !== '' && !Number.isNaN(Number(value))) {
    return Number(value);
  }
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

export function checkParameters(
  api: LoadedApi,
  operation: Operation,
  where: 'path' | 'query',
  raw: Record<string, string | string[]>,
): Record<string, unknown> | Rejection {
  const declared = operation.parameters.filter((p) => p.in === where);
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const name of Object.keys(raw)) {
    if (!declared.some((p) => p.name === name)) {
      const known = declared.map((p) => p.name).join(', ') || 'none';
      problems.push(`unknown query parameter '${name}' (documented: ${known})`);
    }
  }
  for (const parameter of declared) {
    const value = raw[parameter.name];
    if (value === undefined) {
      if (parameter.required) problems.push(`${where} parameter '${parameter.name}' is required`);
      continue;
    }
    const typed = coerce(value, parameter.schema);
    const validate = validatorFor(api, parameter.schemaPointer);
    if (!validate(typed)) {
      const why = describeErrors(validate.errors ?? []).join('; ');
      problems.push(`${where} parameter '${parameter.name}'=${JSON.stringify(value)}: ${why}`);
    }
    values[parameter.name] = typed;
  }
  if (problems.length === 0) return values;
  const detail = problems.join('; ');
  // GitHub does not find a route for a malformed path value, and refuses bad query values.
  return where === 'path'
    ? new Rejection('path-parameter', 404, 'Not Found', detail)
    : new Rejection(
        'query-parameter',
        422,
        'Validation Failed',
        detail,
        operation.documentationUrl,
      );
}

export function checkBody(api: LoadedApi, operation: Operation, text: string): unknown {
  if (text.trim() === '') {
    if (operation.bodyRequired) {
      throw new Rejection(
        'body',
        422,
        'Invalid request.\n\nA request body is required.',
        'required request body is missing',
        operation.documentationUrl,
      );
    }
    return undefined;
  }
  if (operation.acceptsNonJsonBody) return text;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Rejection(
      'body',
      400,
      'Problems parsing JSON',
      `body is not JSON: ${text.slice(0, 80)}`,
      operation.documentationUrl,
    );
  }
  if (!operation.bodySchemaPointer) {
    const empty = body !== null && typeof body === 'object' && Object.keys(body).length === 0;
    if (empty) return body;
    throw new Rejection(
      'body',
      422,
      'Invalid request.\n\nThis endpoint takes no request body.',
      `this operation documents no request body, got ${text.slice(0, 80)}`,
      operation.documentationUrl,
    );
  }
  const validate = validatorFor(api, operation.bodySchemaPointer);
  if (!validate(body)) {
    const problems = describeErrors(validate.errors ?? []);
    throw new Rejection(
      'body',
      422,
      `Invalid request.\n\n${problems.join('\n')}`,
      `request body does not match the documented schema: ${problems.join('; ')}`,
      operation.documentationUrl,
    );
  }
  return body;
}

/** What is wrong with a handler's answer by the documented responses; undefined when nothing is. */
export function responseProblem(
  api: LoadedApi,
  operation: Operation,
  answer: { status: number; body?: unknown },
): string | undefined {
  const documented = operation.responses[String(answer.status)];
  if (!documented) {
    // Any endpoint can fail with 4xx/5xx (rate limits, outages); successes must be documented.
    if (answer.status < 400) {
      const statuses = Object.keys(operation.responses).join(', ');
      return `status ${answer.status} is not documented (documented: ${statuses})`;
    }
    return undefined;
  }
  if (!documented.schemaPointer) {
    if (answer.body !== undefined) return `status ${answer.status} documents no JSON body`;
    return undefined;
  }
  const validate = validatorFor(api, documented.schemaPointer);
  if (!validate(answer.body)) {
    const problems = describeErrors(validate.errors ?? []).join('; ');
    return `handler's ${answer.status} body is not what GitHub documents: ${problems}`;
  }
  return undefined;
}
