/** Metadata inputs as lists of lines (comments and blank lines may already be removed). */
export interface MetadataInputs {
  images: string[];
  tags: string[];
  flavor: string[];
  labels: string[];
  annotations: string[];
  /** Levels for the annotations output, e.g. ['manifest', 'index']; default DOCKER_METADATA_ANNOTATIONS_LEVELS or manifest. */
  annotationLevels?: string[];
  /** Length of short SHAs; overrides DOCKER_METADATA_SHORT_SHA_LENGTH; default 7. */
  shaLength?: number;
  /** Use the pull request's head commit instead of the merge commit; DOCKER_METADATA_PR_HEAD_SHA=true does the same. */
  prHeadSha?: boolean;
  /** Make every tag a valid OCI tag: no leading '.' or '-', at most 128 characters. Off by default. */
  ociTags?: boolean;
}

export interface RepositoryInfo {
  name: string;
  description?: string;
  htmlUrl: string;
  license?: string;
  defaultBranch?: string;
}

export interface MetadataContext {
  eventName: string;
  ref: string;
  sha: string;
  payload: Record<string, unknown>;
  repository: RepositoryInfo;
  /** The run's time: {{date}} and the created label. Passed in so that results are reproducible. */
  now: Date;
  /** The commit's date for {{commit_date}}; when absent it is read from the payload, else `now`. */
  commitDate?: Date;
  /** The repository's git tag names; needed only for `flavor: latest=highest`. */
  gitTags?: string[];
  /** Environment variables metadata-action reads (DOCKER_METADATA_*); pass process.env. */
  env?: Record<string, string | undefined>;
  /**
   * Where ref, sha and commitDate came from: the workflow's event (default) or the local checkout
   * (metadata-action's `context: git`, see applyContextSource). With `git` the workflow-only
   * rewrites (pull_request_target's PR ref, the PR head SHA) are not applied.
   */
  source?: ContextSource;
}

/** metadata-action's `context` input: `workflow` (the event) or `git` (the local checkout). */
export type ContextSource = 'workflow' | 'git';

export interface Version {
  main?: string;
  partial: string[];
  latest: boolean;
}

export interface Metadata {
  version: Version;
  /** image:tag for every enabled image, in metadata-action's order; bare tags when there is no image. */
  tags: string[];
  /** The tags without an image name. */
  tagNames: string[];
  /** key=value, sorted by key. */
  labels: string[];
  /** level:key=value for every annotation level. */
  annotations: string[];
  /** What metadata-action prints as its json output. */
  json: MetadataJson;
  /** Enabled image names, lower-cased. */
  images: string[];
  /** Things the user may want to know, e.g. a tag that is not valid semver; nothing failed. */
  warnings: string[];
}

export interface MetadataJson {
  tags: string[];
  'tag-names': string[];
  labels: Record<string, string>;
  annotations: string[];
}
