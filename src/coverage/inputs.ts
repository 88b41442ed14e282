import { InputError } from '../core/errors.js';
import {
  readBoolean,
  readEnum,
  readInteger,
  readList,
  readMap,
  readNumber,
  readString,
  readUrl,
} from '../core/inputs.js';
import { COVERAGE_FORMATS, type CoverageFormat } from './model.js';
import type { PathFix } from './path-fixes.js';

/** Everything the action was asked to do, read and validated once. */
export interface Settings {
  /** Globs; empty means: search the usual report locations. */
  files: string[];
  format: CoverageFormat | 'auto';
  pathFixes: PathFix[];
  minTotal?: number;
  minPatch?: number;
  maxDrop?: number;
  baseRef?: string;
  baselineFile?: string;
  baselineArtifact?: string;
  codecov?: CodecovSettings;
  comment: boolean;
  /** The pull request to report on when the event has none (workflow_run); 0 for the event's own. */
  pullRequest: number;
  badgePath?: string;
  githubToken?: string;
  workspace: string;
}

export interface CodecovSettings {
  token?: string;
  url: string;
  useOidc: boolean;
  flags: string[];
  name?: string;
  failOnUploadError: boolean;
}

const PERCENT = { min: 0, max: 100 };

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const baselineFile = readString('baseline-file');
  const baselineArtifact = readString('baseline-artifact');
  if (baselineFile && baselineArtifact) {
    throw new InputError(
      'baseline-file',
      'and baseline-artifact are both set; choose one.',
      'coverage-baseline/result.json',
    );
  }
  const maxDrop = readNumber('max-drop', { ...PERCENT, example: '0.5' });
  if (maxDrop !== undefined && !baselineFile && !baselineArtifact) {
    throw new InputError(
      'max-drop',
      'needs a baseline to compare with: set baseline-file or baseline-artifact.',
      '0.5',
    );
  }
  return {
    files: readList('files'),
    format: readEnum('format', ['auto', ...COVERAGE_FORMATS], 'auto'),
    pathFixes: [...readMap('path-fixes', { example: '/app=.' })].map(([from, to]) => ({
      from,
      to,
    })),
    minTotal: readNumber('min-total', { ...PERCENT, example: '80' }),
    minPatch: readNumber('min-patch', { ...PERCENT, example: '90' }),
    maxDrop,
    baseRef: readString('base-ref'),
    baselineFile,
    baselineArtifact,
    codecov: readBoolean('codecov', false) ? readCodecov() : undefined,
    comment: readBoolean('comment', false),
    pullRequest: readInteger('pull-request', { default: 0, min: 0 }),
    badgePath: readString('badge-path'),
    githubToken: readString('github-token'),
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
  };
}

function readCodecov(): CodecovSettings {
  const url = readUrl('codecov-url', {
    default: 'https://ingest.codecov.io',
    example: 'https://ingest.codecov.io',
  }) as string;
  const flags = readList('flags');
  const badFlag = flags.find((flag) => !/^[\w.-]+$/.test(flag));
  if (badFlag) {
    throw new InputError(
      'flags',
      `has '${badFlag}'; Codecov flags use letters, digits, '_', '.' and '-' only.`,
      'unit,backend',
    );
  }
  return {
    token: readString('codecov-token'),
    url: url.replace(/\/+$/, ''),
    useOidc: readBoolean('use-oidc', false),
    flags,
    name: readString('name'),
    failOnUploadError: readBoolean('fail-on-upload-error', true),
  };
}
