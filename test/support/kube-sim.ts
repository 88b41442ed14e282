import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** The real kubectl the simulator tests drive, and how they run it. */
export const KUBECTL = '/usr/bin/kubectl';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs kubectl against the kubeconfig kube-sim wrote into `dir`, with a cache dir of its own
 * there (kubectl caches discovery on disk), and resolves with the exit code instead of throwing.
 */
export function runKubectl(
  dir: string,
  args: string[],
  namespace = 'default',
): Promise<KubectlResult> {
  const base = [
    '--kubeconfig',
    join(dir, 'kubeconfig'),
    '--cache-dir',
    join(dir, 'cache'),
    '-n',
    namespace,
  ];
  return new Promise((resolve) => {
    execFile(KUBECTL, [...base, ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
