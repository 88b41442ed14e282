/**
 * The one way src/ reaches the `yaml` library. It is 124 KB of a bundle and ~12 ms of start-up to
 * evaluate, and many runs never parse YAML (quality-gate's line-form inputs, coverage, image), so
 * it is loaded on first use: the bundler emits it as a chunk that only runs parsing YAML read.
 * Import from 'yaml' elsewhere in src/ only with `import type`: a value import would put the
 * library back in every bundle that imports the module.
 */
type YamlLibrary = typeof import('yaml');

let loading: Promise<YamlLibrary> | undefined;

/** The `yaml` library, loaded once per process on the first call. */
export function loadYaml(): Promise<YamlLibrary> {
  loading ??= import('yaml');
  return loading;
}
