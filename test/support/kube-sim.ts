import { kubectlAt, type KubectlResult } from './kube.js';

/** The real kubectl the simulator tests drive, and how they run it (see kube.ts). */
export { KUBECTL, type KubectlResult } from './kube.js';

/**
 * Runs kubectl against the kubeconfig kube-sim wrote into `dir`, in `namespace`, and resolves
 * with the exit code instead of throwing.
 */
export function runKubectl(
  dir: string,
  args: string[],
  namespace = 'default',
): Promise<KubectlResult> {
  return kubectlAt(dir, args, namespace);
}
