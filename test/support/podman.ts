import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createContainersConfiguration } from './buildah.js';

/**
 * podman's Docker-compatible API on a private unix socket, so the real docker CLI can build and
 * push without a Docker engine. Storage, run state and configuration live in a temp directory
 * (vfs driver), and the test registries are marked insecure in a private registries.conf.
 */

export interface PodmanService {
  /** `unix:///.../podman.sock` */
  dockerHost: string;
  /** DOCKER_HOST and DOCKER_CONFIG (a private one) for docker CLI processes. */
  env: Record<string, string>;
  /** The service's own output, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;

export async function startPodmanService(
  insecureRegistries: readonly string[],
): Promise<PodmanService> {
  const configuration = await createContainersConfiguration('slipway-podman-', insecureRegistries);
  const { root } = configuration;
  const socket = join(root, 'podman.sock');
  const containersConf = join(root, 'containers.conf');
  await writeFile(
    containersConf,
    ['[engine]', 'events_logger = "file"', `tmp_dir = "${join(root, 'tmp')}"`, ''].join('\n'),
  );

  const child = spawn(
    'podman',
    ['--storage-driver', 'vfs', 'system', 'service', '--time=0', `unix://${socket}`],
    {
      env: { ...process.env, ...configuration.env, CONTAINERS_CONF: containersConf },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));

  const stop = async () => {
    await stopChild(child);
    await configuration.remove();
  };
  try {
    await waitForPing(socket, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    dockerHost: `unix://${socket}`,
    env: { DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: configuration.env.DOCKER_CONFIG },
    log: () => output,
    stop,
  };
}

async function waitForPing(socket: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`podman system service exited with ${child.exitCode}:\n${log()}`);
    }
    if (await ping(socket)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`podman system service did not answer on ${socket} in time:\n${log()}`);
}

function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      { socketPath: socket, path: '/_ping', method: 'GET', timeout: 2_000 },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(killTimer);
}
