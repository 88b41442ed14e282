/** State main saves for post: which builder logged in to which registry. */
import { fieldProblem, stepState } from '../core/step-state.js';

export interface LoginState {
  builder: 'docker' | 'buildah';
  registry: string;
}

export const loginState = stepState<LoginState>('image-login', (value) => {
  const problem = fieldProblem(value, { builder: 'string', registry: 'string' });
  if (problem) return problem;
  const { builder } = value as { builder: string };
  return builder === 'docker' || builder === 'buildah' ? undefined : `unknown builder '${builder}'`;
});
