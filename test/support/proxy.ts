import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { closedPort } from './closed-port.js';

/**
 * A real forward proxy for tests, as a self-hosted runner's network has one: Debian's tinyproxy
 * (plain HTTP requests and CONNECT tunnels, optional Basic credentials), with the requests it
 * received read back from its log.
 */

export const TINYPROXY_TOOL = {
  program: 'tinyproxy',
  debianPackage: 'tinyproxy',
  versionArgs: ['-v'],
};

export interface TestProxy {
  /** http://127.0.0.1:<port>, with user:password@ when the proxy wants credentials. */
  url: string;
  /** The URL without credentials, as messages show it. */
  shownUrl: string;
  /** Each request it received so far: "GET http://host:port/path" or "CONNECT host:port". */
  requests(): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startTinyproxy(
  options: { credentials?: { username: string; password: string } } = {},
): Promise<TestProxy> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-proxy-'));
  const port = await closedPort();
  const log = join(dir, 'tinyproxy.log');
  const config = [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Timeout 30',
    `LogFile "${log}"`,
    'LogLevel Connect',
    'MaxClients 50',
    'DisableViaHeader Yes',
    ...(options.credentials
      ? [`BasicAuth ${options.credentials.username} ${options.credentials.password}`]
      : []),
  ];
  await writeFile(join(dir, 'tinyproxy.conf'), `${config.join('\n')}\n`);
  const child = spawn('tinyproxy', ['-d', '-c', join(dir, 'tinyproxy.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let spawnError: Error | undefined;
  child.on('error', (error) => (spawnError = error));
  const stop = async () => {
    if (spawnError === undefined && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await untilListening(port, child, () => spawnError);
  } catch (error) {
    await stop();
    throw new Error(
      `tinyproxy did not start (apt-get install tinyproxy, or run .ci/run): ${(error as Error).message}; stderr: ${stderr}`,
      { cause: error },
    );
  }
  const { credentials } = options;
  const userinfo = credentials
    ? `${encodeURIComponent(credentials.username)}:${encodeURIComponent(credentials.password)}@`
    : '';
  return {
    url: `http://${userinfo}127.0.0.1:${port}`,
    shownUrl: `http://127.0.0.1:${port}/`,
    requests: async () => {
      const text = await readFile(log, 'utf8').catch(() => '');
      return [...text.matchAll(/Request \(file descriptor \d+\): (\S+ \S+) HTTP\/1\.[01]/g)].map(
        (match) => match[1] as string,
      );
    },
    stop,
  };
}

async function untilListening(
  port: number,
  child: ChildProcess,
  spawnError: () => Error | undefined,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const error = spawnError();
    if (error) throw error;
    if (child.exitCode !== null) throw new Error(`it exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on port ${port} after 10 s`);
    await sleep(50);
  }
}

/**
 * An IPv4 address of this machine that is not loopback: requests to loopback never go through a
 * proxy (the toolkit's rule, and ours), so a server a proxied request should reach listens here.
 */
export function nonLoopbackAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    const found = addresses?.find((address) => address.family === 'IPv4' && !address.internal);
    if (found) return found.address;
  }
  throw new Error(
    'This machine has no IPv4 address besides loopback; the proxy tests need one to send requests that a proxy would carry.',
  );
}
