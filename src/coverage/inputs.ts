import { readStepName } from '../core/step-name.js';
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
  readSecret,
} from '../core/inputs.js';
import { COVERAGE_FORMATS, type CoverageFormat } from './model.js';
import { HEADLINE_DEFINITIONS, type HeadlineDefinition } from './headline.js';
import type { PathFix } from './path-fixes.js';
import { UNMATCHED_CHANGES, type UnmatchedChanges } from './unmatched.js';

/** Everything the action was asked to do, read and validated once. */
export interface Settings {
  /** Globs; empty means: search the usual report locations. */
  files: string[];
  format: CoverageFormat | 'auto';
  /** How many reports must be read (matrix shards); undefined: no check. */
  expectedReports?: number;
  pathFixes: PathFix[];
  /** Names this coverage step: keys the pull request comment and heads the summary. */
  name?: string;
  minTotal?: number;
  minBranches?: number;
  minPatch?: number;
  /** What changed source files that appear in no report do to patch coverage. */
  unmatchedChanges: UnmatchedChanges;
  /** How the headline rate (min-total, max-drop, badge) counts a line with a branch not taken. */
  headline: HeadlineDefinition;
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
    expectedReports: readExpectedReports(),
    pathFixes: [...readMap('path-fixes', { example: '/app=.' })].map(([from, to]) => ({
      from,
      to,
    })),
    name: readStepName('backend'),
    minTotal: readNumber('min-total', { ...PERCENT, example: '80' }),
    minBranches: readNumber('min-branches', { ...PERCENT, example: '70' }),
    headline: readEnum('headline', HEADLINE_DEFINITIONS, 'lines'),
    minPatch: readNumber('min-patch', { ...PERCENT, example: '90' }),
    unmatchedChanges: readEnum('unmatched-changes', UNMATCHED_CHANGES, 'fail'),
    maxDrop,
    baseRef: readString('base-ref'),
    baselineFile,
    baselineArtifact,
    codecov: readBoolean('codecov', false) ? readCodecov() : undefined,
    comment: readBoolean('comment', false),
    pullRequest: readInteger('pull-request', { default: 0, min: 0 }),
    badgePath: readString('badge-path'),
    githubToken: readSecret('github-token'),
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
    token: readSecret('codecov-token'),
    url: url.replace(/\/+$/, ''),
    useOidc: readBoolean('use-oidc', false),
    flags,
    failOnUploadError: readBoolean('fail-on-upload-error', true),
  };
}

/** A count of reports, so 0 or 2.5 are mistakes; empty means no check. */
function readExpectedReports(): number | undefined {
  const expected = readNumber('expected-reports', { min: 1, max: 1000, example: '3' });
  if (expected !== undefined && !Number.isInteger(expected)) {
    throw new InputError('expected-reports', `must be a whole number, got ${expected}.`, '3');
  }
  return expected;
}
