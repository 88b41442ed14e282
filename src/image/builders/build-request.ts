/**
 * What main.ts asks a builder to do, and what it reports back. Both builders take the same
 * request; inputs one of them cannot honour are either warned about or refused, per builder.
 */

/** The program that builds: the docker CLI (buildx when present) or buildah. */
export type EngineName = 'docker' | 'buildah';

/** The build-push-action inputs, read once from the step (build-inputs.ts). */
export interface BuildInputs {
  engine: EngineName;
  context: string;
  file?: string;
  target?: string;
  platforms: string[];
  buildArgs: Map<string, string>;
  /** Secret id → value. Values go to 0600 files under RUNNER_TEMP, never to argv or logs. */
  secrets: Map<string, string>;
  /** Secret id → path of a file holding it (`--secret id=<id>,src=<path>`). */
  secretFiles: Map<string, string>;
  /** Secret id → name of an environment variable holding it (`--secret id=<id>,env=<VAR>`). */
  secretEnvs: Map<string, string>;
  cacheFrom: string[];
  cacheTo: string[];
  /** build-push-action's `provenance`: true, false, or attributes such as `mode=max`. */
  provenance?: string;
  /** build-push-action's `sbom`: true, false, or attributes. */
  sbom?: string;
  /** `--attest` entries such as `type=sbom,generator=image`. */
  attests: string[];
  /**
   * The provenance attestation's `builder-id` (the workflow run's URL), added as
   * build-push-action adds it; undefined outside a workflow run.
   */
  provenanceBuilderId?: string;
  /** False when BUILDX_NO_DEFAULT_ATTESTATIONS is set to a true value: no default provenance. */
  defaultAttestations: boolean;
  /** A buildx builder instance (`docker buildx build --builder NAME`); docker engine only. */
  builder?: string;
  /** Load the result into the docker image store (buildx `--load`). */
  load: boolean;
  /** Exporters (`--output`), e.g. `type=local,dest=out`. */
  outputs: string[];
  noCache: boolean;
  /** Stages built without the cache (buildx `--no-cache-filter`). */
  noCacheFilters: string[];
  /** Always pull the base images. */
  pull: boolean;
  /** Named contexts, `name=value` (`--build-context`). */
  buildContexts: string[];
  /** SSH agent sockets or keys for RUN --mount=type=ssh: `default` or `id=path[,path]`. */
  ssh: string[];
  /** Size of /dev/shm for RUN steps, e.g. `2g`. */
  shmSize?: string;
  /** `type=soft:hard` limits for RUN steps, e.g. `nofile=1024:1024`. */
  ulimits: string[];
  /** Network mode for RUN steps: `default`, `none` or `host`. */
  network?: string;
  /** `host:ip` entries for /etc/hosts of RUN steps. */
  addHosts: string[];
}

/** The inputs plus what this run adds: the computed tags and labels, and where to push. */
export interface BuildRequest extends BuildInputs {
  /** `key=value` lines. */
  labels: string[];
  /** `key=value`, optionally prefixed by a metadata-action level such as `manifest:`. */
  annotations: string[];
  /** Full references (`registry/name:tag`). */
  tags: string[];
  /**
   * `payload.repository.private` of the event: the default provenance of buildx is `mode=max`
   * for public repositories and `mode=min,inline-only=true` otherwise (also when unknown).
   */
  repositoryPrivate?: boolean;
  push: boolean;
  /**
   * buildah, without push: leave the image, compressed as a push would send it, in this directory
   * (a `dir:` copy, or an OCI layout for several platforms) for the caller to push by digest.
   */
  layoutDirectory?: string;
  /** Budget for the whole build including pushes. */
  timeoutMs: number;
  /** Registries (`host[:port]`) spoken to over plain HTTP / without TLS verification. */
  insecureRegistries?: string[];
  /** Extra environment for the builder processes (DOCKER_HOST, storage configuration...). */
  env?: Record<string, string>;
}

export interface BuildResult {
  builder: string;
  /** The image (config) id; empty when the build exported files only. */
  imageId: string;
  /**
   * Digest of the pushed manifest (or index); without a push, the digest a push would give when
   * the engine can tell (buildx metadata, buildah), else absent.
   */
  digest?: string;
  /**
   * JSON text: buildx's metadata file as it wrote it; for other engines an object with what they
   * can tell (`containerimage.config.digest`, `containerimage.digest`, `image.name`).
   */
  metadata: string;
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
