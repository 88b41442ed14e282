import { open } from 'node:fs/promises';
import { glob } from 'tinyglobby';
import { ActionError } from '../core/errors.js';
import { COVERAGE_FORMATS, type CoverageFormat } from './model.js';

/** Where the common tools write their reports, searched when `files` is empty. */
export const USUAL_LOCATIONS = [
  '**/lcov.info',
  '**/*.lcov',
  '**/coverage.xml',
  '**/cobertura.xml',
  '**/cobertura-coverage.xml',
  '**/jacoco*.xml',
  '**/clover.xml',
  '**/coverage-final.json',
  '**/coverage.out',
  '**/cover.out',
  '**/coverage.json',
];

const NEVER_SEARCHED = ['**/node_modules/**', '**/.git/**', '**/vendor/**'];

export async function findReportFiles(
  patterns: readonly string[],
  workspace: string,
): Promise<string[]> {
  const searched = patterns.length > 0 ? patterns : USUAL_LOCATIONS;
  const files = await glob([...searched], {
    cwd: workspace,
    absolute: true,
    onlyFiles: true,
    dot: true,
    ignore: NEVER_SEARCHED,
  });
  if (files.length === 0) {
    throw new ActionError(
      patterns.length > 0
        ? `No coverage report matched files: ${patterns.join(', ')} (searched in ${workspace}).`
        : `No coverage report was found in the usual places (${USUAL_LOCATIONS.join(', ')}).`,
      'Check that the test step wrote its report before this step, or set files to its path, e.g. files: coverage/lcov.info',
    );
  }
  return files.sort();
}

/** Reads the first bytes of a report and asks each format whether it recognises them. */
export async function detectFormat(
  path: string,
  sniffers: Record<CoverageFormat, (head: string) => boolean>,
): Promise<CoverageFormat | undefined> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const head = buffer.subarray(0, bytesRead).toString('utf8');
    return COVERAGE_FORMATS.find((format) => sniffers[format](head));
  } finally {
    await handle.close();
  }
}
