import type { BuildRequest } from '../../../src/image/builders/build-request.js';

/** A minimal request; tests override what they are about. */
export function buildRequest(overrides: Partial<BuildRequest> = {}): BuildRequest {
  return {
    engine: 'buildah',
    context: 'ctx',
    platforms: [],
    buildArgs: new Map(),
    secrets: new Map(),
    secretFiles: new Map(),
    secretEnvs: new Map(),
    labels: [],
    annotations: [],
    tags: [],
    cacheFrom: [],
    cacheTo: [],
    attests: [],
    defaultAttestations: true,
    load: false,
    outputs: [],
    noCache: false,
    noCacheFilters: [],
    pull: false,
    buildContexts: [],
    ssh: [],
    ulimits: [],
    addHosts: [],
    push: false,
    timeoutMs: 60_000,
    ...overrides,
  };
}

/** The log as the runner shows it: `::add-mask::` lines are how secrets get masked, not leaks. */
export function withoutMaskCommands(log: string): string {
  return log
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}
