/**
 * What main.ts asks a builder to do, and what it reports back. Both builders take the same
 * request; inputs one of them cannot honour are either warned about or refused, per builder.
 */

/** The program that builds: the docker CLI (buildx when present) or buildah. */
export type EngineName = 'docker' | 'buildah';

export interface BuildRequest {
  engine: EngineName;
  context: string;
  file?: string;
  target?: string;
  platforms: string[];
  buildArgs: Map<string, string>;
  /** Secret id → value. Values go to 0600 files under RUNNER_TEMP, never to argv or logs. */
  secrets: Map<string, string>;
  /** `key=value` lines. */
  labels: string[];
  /** `key=value`, optionally prefixed by a metadata-action level such as `manifest:`. */
  annotations: string[];
  /** Full references (`registry/name:tag`). */
  tags: string[];
  cacheFrom: string[];
  cacheTo: string[];
  provenance?: string;
  sbom?: string;
  push: boolean;
  /** Budget for the whole build including pushes. */
  timeoutMs: number;
  /** Registries (`host[:port]`) spoken to over plain HTTP / without TLS verification. */
  insecureRegistries?: string[];
  /** Extra environment for the builder processes (DOCKER_HOST, storage configuration...). */
  env?: Record<string, string>;
}

export interface BuildResult {
  builder: string;
  imageId: string;
  /** Digest of the pushed manifest (or index); absent when nothing was pushed. */
  digest?: string;
  /** References actually pushed, in request order. */
  pushed: string[];
  durationMs: number;
  warnings: string[];
}

export interface RegistryCommandOptions {
  env?: Record<string, string>;
  /** Skip TLS verification (buildah only; the docker daemon decides this itself). */
  insecure?: boolean;
  timeoutMs?: number;
}
