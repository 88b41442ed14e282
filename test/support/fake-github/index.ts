/**
 * A stand-in for GitHub's REST API that tests start on 127.0.0.1. Every request is checked against
 * GitHub's published OpenAPI description (npm @octokit/openapi), so a request the real API would
 * reject is rejected here too, with the status GitHub gives, and recorded as a violation that fails
 * the test. Answers come from per-test handlers, or from a small in-memory model of issue comments.
 */
export {
  ArtifactStore,
  type ArtifactSpec,
  type BlobRequest,
  type StoredArtifact,
} from './artifacts.js';
export { CheckRunStore, type StoredCheckRun } from './check-runs.js';
export { CodeScanningStore, type StoredSarifUpload } from './code-scanning.js';
export { DeploymentStore, type StoredDeployment } from './deployments.js';
export { githubUser } from './github-user.js';
export {
  IssueCommentStore,
  linkHeader,
  type IssueComment,
  type IssueTarget,
} from './issue-comments.js';
export { documentedExample, type Operation } from './openapi-spec.js';
export { RepositoryStore, type RepositorySpec } from './repositories.js';
export { FakeGitHub, type FakeGitHubOptions } from './server.js';
export type {
  FakeHandler,
  FakeRequest,
  FakeResponse,
  RecordedCall,
  Violation,
  ViolationKind,
} from './types.js';
export { useFakeGitHub } from './use-fake-github.js';
export { schemaProblems } from './validation.js';
