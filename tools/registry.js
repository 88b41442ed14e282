// @ts-check
/**
 * A real registry: Debian's docker-registry (distribution 2.8) on 127.0.0.1 with a random port and
 * a temporary storage directory. The tests (test/support/registry.ts, which adds auth set-ups)
 * and the demo start it through here.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { clearInterval, clearTimeout, setInterval, setTimeout } from 'node:timers';

const START_TIMEOUT_MS = 20_000;

/**
 * @typedef {object} RunningRegistry
 * @property {string} host 127.0.0.1:<port>, the registry part of an image reference
 * @property {string} url
 * @property {() => string} logs everything the registry logged so far: logrus lines and one access-log line per request
 * @property {() => Promise<void>} settle waits until the access log shows every request answered so far (it is written late)
 * @property {() => Promise<void>} stop
 */
/**
 * @typedef {object} RegistryProcessOptions
 * @property {(dir: string) => Promise<string[]>} [auth] writes what auth needs into the registry's directory and returns the config's `auth:` lines
 * @property {() => Promise<void>} [cleanup] runs after the registry stopped (or failed to start)
 */

/**
 * @param {RegistryProcessOptions} [options]
 * @returns {Promise<RunningRegistry>}
 */
export async function startRegistryProcess(options = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'slipway-registry-'));
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child;
  const cleanup = async () => {
    await options.cleanup?.();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const auth = options.auth ? await options.auth(dir) : [];
    const config = [
      'version: 0.1',
      'log:',
      '  level: info',
      '  formatter: text',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${dir}/storage`,
      '  delete:',
      '    enabled: true',
      'http:',
      '  addr: 127.0.0.1:0',
      `  secret: ${randomBytes(16).toString('hex')}`,
      ...auth,
      '',
    ].join('\n');
    const configPath = path.join(dir, 'config.yml');
    await writeFile(configPath, config);

    child = spawn('docker-registry', ['serve', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (/** @type {Buffer} */ chunk) => (output += chunk.toString('utf8'));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const port = await waitForPort(child, () => output);
    const host = `127.0.0.1:${port}`;
    const started = child;
    const stop = async () => {
      if (started.exitCode === null && started.signalCode === null) {
        const exited = new Promise((resolve) => started.once('exit', resolve));
        started.kill('SIGTERM');
        await exited;
      }
      await cleanup();
    };
    let markers = 0;
    const settle = async () => {
      const marker = `/v2/slipway-log-marker/manifests/m${++markers}`;
      await (await globalThis.fetch(`http://${host}${marker}`)).arrayBuffer();
      const deadline = Date.now() + 5_000;
      while (!output.includes(` ${marker} `)) {
        if (Date.now() > deadline) throw new Error(`the registry did not log ${marker}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    return { host, url: `http://${host}`, logs: () => output, settle, stop };
  } catch (error) {
    child?.kill('SIGKILL');
    await cleanup();
    throw error;
  }
}

/**
 * The registry logs the address it really bound; with port 0 that is how we learn the port.
 * @param {import('node:child_process').ChildProcess} child
 * @param {() => string} output
 * @returns {Promise<number>}
 */
function waitForPort(child, output) {
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      clearInterval(poll);
      reject(new Error(`docker-registry did not start in time:\n${output()}`));
    }, START_TIMEOUT_MS);
    const poll = setInterval(() => {
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(output());
      if (match) {
        clearInterval(poll);
        clearTimeout(deadline);
        resolve(Number(match[1]));
      } else if (child.exitCode !== null) {
        clearInterval(poll);
        clearTimeout(deadline);
        reject(new Error(`docker-registry exited with ${child.exitCode}:\n${output()}`));
      }
    }, 50);
  });
}
