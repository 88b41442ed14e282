import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { ActionError } from '../core/errors.js';
import { setOutputs } from '../core/outputs.js';
import { maskSecrets } from '../core/secrets.js';
import type { MetadataSettings } from './metadata-inputs.js';
import {
  BAKE_FILE_NAMES,
  bakeDefinitions,
  bakeFileText,
  type BakeDefinitions,
  type Metadata,
} from './metadata/index.js';

/** What setMetadataOutputs needs of the settings: separators and the bake target. */
export interface MetadataOutputSettings {
  separators: { tags: string; labels: string; annotations: string };
  metadata: Pick<MetadataSettings, 'bakeTarget'>;
}

/** metadata-action's outputs, in the order it sets them. */
export type MetadataOutputs = Record<
  | 'version'
  | 'tags'
  | 'tag-names'
  | 'labels'
  | 'annotations'
  | 'json'
  | 'bake-file-tags'
  | 'bake-file-labels'
  | 'bake-file-annotations'
  | 'bake-file',
  string
>;

/**
 * Sets metadata-action's outputs, joined with the separators the settings ask for; writes its
 * bake files under RUNNER_TEMP (their paths are the bake-file-* outputs); and, unless
 * DOCKER_METADATA_SET_OUTPUT_ENV is false, exports every output to the following steps as
 * DOCKER_METADATA_OUTPUT_<NAME> (e.g. DOCKER_METADATA_OUTPUT_TAG_NAMES), as metadata-action does.
 */
export function setMetadataOutputs(
  metadata: Metadata,
  settings: MetadataOutputSettings,
  env: NodeJS.ProcessEnv = process.env,
): MetadataOutputs {
  const exportEnv = outputEnvEnabled(env);
  const bakeFiles = writeBakeFiles(bakeDefinitions(metadata, settings.metadata.bakeTarget), env);
  const outputs: MetadataOutputs = {
    version: metadata.version.main ?? '',
    tags: metadata.tags.join(settings.separators.tags),
    'tag-names': metadata.tagNames.join(settings.separators.tags),
    labels: metadata.labels.join(settings.separators.labels),
    annotations: metadata.annotations.join(settings.separators.annotations),
    json: JSON.stringify(metadata.json),
    ...bakeFiles,
  };
  setOutputs(outputs);
  if (exportEnv) {
    for (const [name, value] of Object.entries(outputs)) {
      core.exportVariable(outputEnvName(name), maskSecrets(value));
    }
  }
  return outputs;
}

/** `tag-names` → `DOCKER_METADATA_OUTPUT_TAG_NAMES`: non-word characters become '_', upper-cased. */
export function outputEnvName(output: string): string {
  return `DOCKER_METADATA_OUTPUT_${output.replace(/\W/g, '_').toUpperCase()}`;
}

/**
 * DOCKER_METADATA_SET_OUTPUT_ENV, read as metadata-action reads it: unset or empty means on;
 * otherwise Go's boolean spellings (1, t, T, true, TRUE, True and their false counterparts).
 */
export function outputEnvEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.DOCKER_METADATA_SET_OUTPUT_ENV;
  if (value === undefined || value === '') return true;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(value)) return false;
  throw new ActionError(
    `DOCKER_METADATA_SET_OUTPUT_ENV is '${value}', which is not true or false.`,
    'Set it to false to keep the outputs out of the environment, or leave it unset.',
  );
}

/**
 * Writes each bake file into a directory of its own under RUNNER_TEMP (so two steps of a job do
 * not overwrite each other's files), with metadata-action's file names, and returns the paths.
 */
function writeBakeFiles(
  definitions: BakeDefinitions,
  env: NodeJS.ProcessEnv,
): Record<keyof BakeDefinitions, string> {
  const base = env.RUNNER_TEMP || tmpdir();
  mkdirSync(base, { recursive: true });
  const directory = mkdtempSync(join(base, 'slipway-image-metadata-'));
  const paths = {} as Record<keyof BakeDefinitions, string>;
  for (const output of Object.keys(BAKE_FILE_NAMES) as Array<keyof BakeDefinitions>) {
    const path = join(directory, BAKE_FILE_NAMES[output]);
    // The file is bake's input, not a log: it holds the values exactly.
    writeFileSync(path, bakeFileText(definitions[output]));
    paths[output] = path;
  }
  return paths;
}
