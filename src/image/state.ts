/** State main saves for post: which engine logged in to which registry. */
import { fieldProblem, stepState } from '../core/step-state.js';

export interface LoginState {
  engine: 'docker' | 'buildah';
  registry: string;
}

export const loginState = stepState<LoginState>('image-login', (value) => {
  const problem = fieldProblem(value, { engine: 'string', registry: 'string' });
  if (problem) return problem;
  const { engine } = value as { engine: string };
  return engine === 'docker' || engine === 'buildah' ? undefined : `unknown engine '${engine}'`;
});
