import type { EngineName } from './builders/index.js';
import { readEnum, readList, readMap, readString } from '../core/inputs.js';

/** The inputs build-push-action has: what to build and how; passed whole to the builder. */
export interface BuildInputs {
  engine: EngineName;
  context: string;
  file?: string;
  target?: string;
  platforms: string[];
  buildArgs: Map<string, string>;
  secrets: Map<string, string>;
  cacheFrom: string[];
  cacheTo: string[];
  provenance?: string;
  sbom?: string;
}

export function readBuildInputs(secrets: Map<string, string>): BuildInputs {
  return {
    engine: readEnum('engine', ['docker', 'buildah'], 'docker'),
    context: readString('context', { default: '.' }) as string,
    file: readString('file'),
    target: readString('target'),
    platforms: readList('platforms'),
    buildArgs: readMap('build-args', { example: 'VERSION=1.2.3' }),
    secrets,
    cacheFrom: readList('cache-from', { commas: false }),
    cacheTo: readList('cache-to', { commas: false }),
    provenance: readString('provenance'),
    sbom: readString('sbom'),
  };
}
