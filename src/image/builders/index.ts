import type { BuildRequest, BuildResult } from './build-request.js';
import { buildWithBuildah } from './buildah.js';
import { buildWithDocker } from './docker.js';

export type {
  BuildRequest,
  BuildResult,
  BuilderName,
  RegistryCommandOptions,
} from './build-request.js';
export { login, logout } from './login.js';

export async function build(request: BuildRequest): Promise<BuildResult> {
  return request.builder === 'buildah' ? buildWithBuildah(request) : buildWithDocker(request);
}
