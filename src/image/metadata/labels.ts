import type { RepositoryInfo } from './types.js';
import { meaningfulLines } from './fields.js';
import {
  checkTemplate,
  GLOBAL_EXPRESSIONS,
  renderTemplate,
  type Helpers,
  type TemplateSite,
} from './templates.js';

/** The values behind the generated OCI labels and annotations. */
export interface OciFacts {
  repository: RepositoryInfo;
  version?: string;
  created: Date;
  revision: string;
}

/**
 * The OCI image labels metadata-action generates, then the user's `key=value` lines (rendered
 * with the global expressions) overriding them by key; lines without '=' are dropped, and the
 * result is sorted by key.
 */
export function ociEntries(
  facts: OciFacts,
  custom: string[],
  input: 'labels' | 'annotations',
  globals: Helpers,
): string[] {
  const { repository } = facts;
  const entries = new Map<string, string>([
    ['org.opencontainers.image.title', repository.name || ''],
    ['org.opencontainers.image.description', repository.description || ''],
    ['org.opencontainers.image.url', repository.htmlUrl || ''],
    ['org.opencontainers.image.source', repository.htmlUrl || ''],
    ['org.opencontainers.image.version', facts.version || ''],
    ['org.opencontainers.image.created', facts.created.toISOString()],
    ['org.opencontainers.image.revision', facts.revision || ''],
    ['org.opencontainers.image.licenses', repository.license || ''],
  ]);
  for (const line of meaningfulLines(custom)) {
    const site: TemplateSite = { input, line, example: 'org.opencontainers.image.vendor=Octo Org' };
    checkTemplate(line, GLOBAL_EXPRESSIONS, site);
    const rendered = renderTemplate(line, globals, site);
    const equals = rendered.indexOf('=');
    if (equals < 0) continue;
    entries.set(rendered.slice(0, equals), rendered.slice(equals + 1));
  }
  return [...entries]
    .sort(([a], [b]) => a.localeCompare(b, 'en'))
    .map(([key, value]) => `${key}=${value}`);
}

export const ANNOTATION_LEVELS = ['manifest', 'index', 'manifest-descriptor', 'index-descriptor'];
const LEVEL_PATTERN = /^(manifest|index|manifest-descriptor|index-descriptor)(\[[^\]]+\])?$/;

/** Annotation levels as BuildKit names them, optionally with a platform: `manifest[linux/amd64]`. */
export function annotationLevelProblem(level: string): string | undefined {
  if (LEVEL_PATTERN.test(level)) return undefined;
  return `'${level}' is not an annotation level; use ${ANNOTATION_LEVELS.join(', ')}`;
}

export function withLevels(annotations: string[], levels: string[]): string[] {
  return levels.flatMap((level) => annotations.map((annotation) => `${level}:${annotation}`));
}

export function labelsObject(labels: string[]): Record<string, string> {
  const object: Record<string, string> = {};
  for (const label of labels) {
    const equals = label.indexOf('=');
    object[label.slice(0, equals)] = label.slice(equals + 1);
  }
  return object;
}
