import type { BuildRequest, BuildResult } from './build-request.js';
import { buildWithBuildah } from './buildah.js';
import { buildWithDocker } from './docker.js';

export type {
  BuildInputs,
  BuildRequest,
  BuildResult,
  EngineName,
  RegistryCommandOptions,
} from './build-request.js';
export { login, logout } from './login.js';

export async function build(request: BuildRequest): Promise<BuildResult> {
  return request.engine === 'buildah' ? buildWithBuildah(request) : buildWithDocker(request);
}
