// @ts-check
/**
 * The five jobs of the demo pipeline, each one bundled action run as a workflow step would run
 * it, with the inputs a user would write, and what the demo checks afterwards on its own (the
 * registry's tags, the cluster's objects) rather than taking the action's word for it.
 */
import YAML from 'yaml';
import { canary } from './canary-job.js';
import { MANIFEST_IMAGE, NAME, REPOSITORY } from './environment.js';
import { outcomeOf, run, runningImage } from './job-support.js';

/** @typedef {import('./scenarios.js').ActionName} ActionName */
/** @typedef {import('./job-support.js').JobContext} JobContext */
/** @typedef {import('./job-support.js').JobResult} JobResult */

/**
 * Push events as GitHub sends them, with the repository fields the image labels come from.
 * @param {string} sha
 * @param {string} ref
 */
function pushEvent(sha, ref) {
  const repository = {
    name: 'octo-service',
    full_name: 'octo-org/octo-service',
    html_url: 'https://github.com/octo-org/octo-service',
    description: "Slipway's demo service",
    default_branch: 'main',
    license: { spdx_id: 'MIT' },
    owner: { login: 'octo-org' },
  };
  return { name: 'push', ref, sha, payload: { ref, after: sha, repository } };
}

const QUALITY_CHECKS = [
  { name: 'lint', run: 'npx eslint . --format json', format: 'eslint' },
  {
    name: 'unit tests',
    // Under c8, so that the coverage job reads what this run measured.
    run: 'npx c8 --reporter=lcovonly node --test --test-reporter=junit --test-reporter-destination=junit.xml',
    format: 'junit',
    report: 'junit.xml',
  },
];

/** @param {JobContext} context @returns {Promise<JobResult>} */
async function qualityGate(context) {
  const gate = await run(context, 'quality-gate', {
    event: pushEvent(context.sha, 'refs/heads/main'),
    inputs: { checks: YAML.stringify(QUALITY_CHECKS), 'max-warnings': '0' },
  });
  const { outputs } = gate.main;
  return {
    outcome: outcomeOf(gate),
    summaries: [{ step: 'quality-gate', markdown: gate.main.summary }],
    details: {
      passed: outputs.passed === 'true',
      tests: Number(outputs.tests),
      testFailures: Number(outputs['test-failures']),
      errors: Number(outputs.errors),
      warnings: Number(outputs.warnings),
    },
    problems: [],
  };
}

/** @param {JobContext} context @returns {Promise<JobResult>} */
async function coverage(context) {
  const measured = await run(context, 'coverage', {
    event: pushEvent(context.sha, 'refs/heads/main'),
    inputs: { files: 'coverage/lcov.info', 'min-total': '90' },
  });
  const { outputs } = measured.main;
  return {
    outcome: outcomeOf(measured),
    summaries: [{ step: 'coverage', markdown: measured.main.summary }],
    details: {
      lineRate: Number(outputs['line-rate']),
      branchRate: outputs['branch-rate'] ? Number(outputs['branch-rate']) : null,
    },
    problems: [],
  };
}

const RELEASE_TAGS = [
  'type=semver,pattern={{version}}',
  'type=semver,pattern={{major}}.{{minor}}',
  'type=semver,pattern={{major}}',
].join('\n');

/**
 * On main: build once and push sha-<short>. On the tag v1.2.3: copy that manifest to the release
 * tags without rebuilding.
 * @param {JobContext} context
 * @returns {Promise<JobResult>}
 */
async function image(context) {
  const { env } = context;
  const images = `${env.registryHost}/${REPOSITORY}`;
  const build = await run(context, 'image', {
    event: pushEvent(context.sha, 'refs/heads/main'),
    env: env.buildahEnv,
    inputs: { images, tags: 'type=sha', push: 'true', engine: 'buildah' },
  });
  const summaries = [{ step: 'image (push to main: build)', markdown: build.main.summary }];
  const built = { tag: `sha-${context.sha.slice(0, 7)}`, digest: build.main.outputs.digest };
  if (outcomeOf(build) === 'failure') {
    return { outcome: 'failure', summaries, details: { built }, problems: [] };
  }
  const promote = await run(context, 'image', {
    event: pushEvent(context.sha, 'refs/tags/v1.2.3'),
    inputs: { images, tags: RELEASE_TAGS, 'promote-from': `${images}:sha-{{sha}}` },
  });
  summaries.push({ step: 'image (tag v1.2.3: promote)', markdown: promote.main.summary });
  const tags = ['1.2.3', '1.2', '1', 'latest'];
  /** @type {Record<string, string | null>} */
  const digests = {};
  for (const tag of tags) digests[tag] = await registryDigest(env.registryHost, tag);
  const moved = tags.filter((tag) => digests[tag] !== built.digest);
  context.imageRef = promote.main.outputs.image;
  return {
    outcome: outcomeOf(promote),
    summaries,
    details: { built, promoted: promote.main.outputs.promoted === 'true', digests },
    problems: moved.map((tag) => `tag ${tag} is ${digests[tag]}, not the built ${built.digest}`),
  };
}

/**
 * The digest the registry itself reports for a tag (asked directly, not through the action).
 * @param {string} host
 * @param {string} tag
 */
async function registryDigest(host, tag) {
  const accept = [
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.docker.distribution.manifest.v2+json',
  ].join(', ');
  const response = await globalThis.fetch(`http://${host}/v2/${REPOSITORY}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { accept },
  });
  return response.ok ? response.headers.get('docker-content-digest') : null;
}

/** @param {JobContext} context @returns {Promise<JobResult>} */
async function rollout(context) {
  const deployed = await run(context, 'rollout', {
    inputs: {
      kubeconfig: context.env.sim.kubeconfig,
      namespace: 'staging',
      manifests: 'deploy/demo-service.yaml',
      images: `${MANIFEST_IMAGE}=${context.imageRef}`,
      'smoke-tests': YAML.stringify([
        {
          name: 'health through the Service',
          service: `${NAME}:http`,
          path: '/healthz',
          'expect-json': 'status=ok',
          retries: 2,
          interval: '500ms',
        },
      ]),
      timeout: '60s',
    },
  });
  const status = deployed.main.outputs.status;
  const stagingImage = runningImage(context, 'staging');
  const expectedImage = status === 'succeeded' ? context.imageRef : context.env.previousImage;
  return {
    outcome: outcomeOf(deployed),
    summaries: [{ step: 'rollout', markdown: deployed.main.summary }],
    details: { status, rolledBack: deployed.main.outputs['rolled-back'] === 'true', stagingImage },
    problems:
      stagingImage === expectedImage
        ? []
        : [`staging runs ${stagingImage} after a rollout that ${status}, not ${expectedImage}`],
  };
}

/** @type {Array<{ action: ActionName, run: (context: JobContext) => Promise<JobResult> }>} */
export const JOBS = [
  { action: 'quality-gate', run: qualityGate },
  { action: 'coverage', run: coverage },
  { action: 'image', run: image },
  { action: 'rollout', run: rollout },
  { action: 'canary', run: canary },
];
