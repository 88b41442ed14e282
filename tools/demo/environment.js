// @ts-check
/**
 * Everything the demo pipeline runs against, on 127.0.0.1: a real registry, kube-sim driven by
 * the real kubectl (namespaces staging and production already running version 1.2.2), a sample
 * service process behind the staging Service, and production's stable and canary processes
 * behind the traffic router with Prometheus scraping them.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { REPO_ROOT } from '../actions.js';
import { startCanaryEnvironment, startSampleServiceProcess } from '../canary-env/index.js';
import { createBuildahEnvironment } from '../containers-config.js';
import { startKubeSim } from '../kube-sim/server.js';
import { startRegistryProcess } from '../registry.js';
import { PREVIOUS_VERSION } from './scenarios.js';

export const SERVICE_DIR = join(REPO_ROOT, 'demo/service');
export const NAME = 'demo-service';
export const REPOSITORY = `octo-org/${NAME}`;
/** The image repository the manifests name; the rollout substitutes the built image for it. */
export const MANIFEST_IMAGE = `ghcr.io/${REPOSITORY}`;
const PRODUCTION_LOAD_PER_SECOND = 80;

/**
 * @typedef {object} Environment
 * @property {string} root scratch directory, removed by stop()
 * @property {string} workspace the checked-out sample service (GITHUB_WORKSPACE)
 * @property {string} registryHost
 * @property {Record<string, string>} buildahEnv
 * @property {Awaited<ReturnType<typeof startKubeSim>>} sim
 * @property {string} previousImage what staging and production run before the pipeline
 * @property {Promise<import('../canary-env/index.js').CanaryEnvironment>} production ready a few seconds after start() returns (Prometheus)
 * @property {() => Promise<void>} stop stops everything started, also what is still starting
 */

/**
 * @param {import('./scenarios.js').Scenario} scenario
 * @returns {Promise<Environment>}
 */
export async function startEnvironment(scenario) {
  const root = await mkdtemp(join(tmpdir(), 'slipway-demo-'));
  /** @type {Array<() => Promise<unknown>>} */
  const stops = [() => rm(root, { recursive: true, force: true })];
  let stopped = false;
  /** @type {Set<Promise<unknown>>} */
  const starts = new Set();
  /**
   * Registers how to stop what was started; something that finishes starting after stop() was
   * called (Ctrl-C during start-up) is stopped at once.
   * @template {{ stop(): Promise<unknown> }} T
   * @param {Promise<T>} starting
   */
  const track = (starting) => {
    const tracked = starting.then(async (started) => {
      if (stopped) await started.stop();
      else stops.push(() => started.stop());
      return started;
    });
    starts.add(tracked);
    return tracked;
  };
  const stop = async () => {
    stopped = true;
    // What is still starting stops itself once started; wait for that too.
    await Promise.allSettled(starts);
    for (const next of stops.splice(0).reverse()) await next().catch(() => {});
  };
  try {
    const [registry, staging] = await Promise.all([
      track(startRegistryProcess()),
      track(startSampleServiceProcess(scenario.staging)),
      checkOut(join(root, 'workspace'), scenario.breakBuild),
    ]);
    const containers = await createBuildahEnvironment([registry.host]);
    stops.push(() => containers.remove());
    const sim = await track(
      startKubeSim({
        kubeconfigPath: join(root, 'kubeconfig'),
        config: {
          behaviours: [{ image: `*/${REPOSITORY}*`, 'ready-after': '300ms' }],
          services: [{ namespace: 'staging', name: NAME, port: 80, url: staging.url }],
        },
      }),
    );
    const previousImage = `${registry.host}/${REPOSITORY}:1.2.2`;
    await deployPreviousVersion(root, previousImage);
    const production = track(
      startCanaryEnvironment({
        store: sim.store,
        dir: root,
        namespace: 'production',
        mode: 'gateway-api',
        route: NAME,
        service: NAME,
        stable: PREVIOUS_VERSION,
        canary: scenario.canary,
        ratePerSecond: PRODUCTION_LOAD_PER_SECOND,
      }),
    );
    // Awaited by the canary step; a failure to start shows there, not as an unhandled rejection.
    production.catch(() => {});
    return {
      root,
      workspace: join(root, 'workspace'),
      registryHost: registry.host,
      buildahEnv: containers.env,
      sim,
      previousImage,
      production,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The sample service as actions/checkout would leave it, with the repository's node_modules
 * standing in for `npm ci`; for bad-build, with a change that breaks the greeting.
 * @param {string} workspace
 * @param {boolean} breakBuild
 */
async function checkOut(workspace, breakBuild) {
  await cp(SERVICE_DIR, workspace, { recursive: true });
  await symlink(join(REPO_ROOT, 'node_modules'), join(workspace, 'node_modules'), 'dir');
  if (breakBuild) {
    const file = join(workspace, 'src/greeting.js');
    const source = await readFile(file, 'utf8');
    await writeFile(file, source.replace('`Hello, ${trimmed}!`', '`Hello ${trimmed}`'));
  }
}

/**
 * Staging and production as the last release left them: version 1.2.2 rolled out, and in
 * production the route that the canary splits.
 * @param {string} root
 * @param {string} image
 */
async function deployPreviousVersion(root, image) {
  const manifests = YAML.parseAllDocuments(
    await readFile(join(SERVICE_DIR, 'deploy/demo-service.yaml'), 'utf8'),
  ).map((document) => document.toJS());
  const route = YAML.parse(await readFile(join(SERVICE_DIR, 'deploy/route.yaml'), 'utf8'));
  const documents = [];
  for (const namespace of ['staging', 'production']) {
    documents.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const objects = namespace === 'production' ? [...manifests, route] : manifests;
    for (const object of objects) {
      const copy = globalThis.structuredClone(object);
      copy.metadata.namespace = namespace;
      for (const container of copy.spec.template?.spec.containers ?? []) container.image = image;
      documents.push(copy);
    }
  }
  const file = join(root, 'previous-release.yaml');
  await writeFile(file, documents.map((document) => YAML.stringify(document)).join('---\n'));
  await kubectl(root, ['apply', '-f', file]);
  for (const namespace of ['staging', 'production']) {
    await kubectl(root, [
      'rollout',
      'status',
      `deployment/${NAME}`,
      '-n',
      namespace,
      '--timeout=30s',
    ]);
  }
}

/**
 * @param {string} root
 * @param {string[]} args
 * @returns {Promise<string>}
 */
function kubectl(root, args) {
  const base = ['--kubeconfig', join(root, 'kubeconfig'), '--cache-dir', join(root, 'kube-cache')];
  return new Promise((resolve, reject) => {
    execFile('kubectl', [...base, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}
