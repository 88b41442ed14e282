import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOctokit } from '../../src/core/github.js';
import {
  describeDeploymentFailure,
  fitStatusDescription,
  resumeDeployment,
  startDeployment,
  type DeploymentRequest,
} from '../../src/core/github-deployment.js';
import { DeploymentStore, useFakeGitHub } from '../support/fake-github/index.js';

const TOKEN = 'ghs_rollout_deploy_token';
const SHA = '0123456789abcdef0123456789abcdef01234567';
const RUN_URL = 'https://github.com/octo-org/octo-service/actions/runs/4242';
const request: DeploymentRequest = {
  owner: 'octo-org',
  repo: 'octo-service',
  ref: SHA,
  environment: 'staging',
  environmentUrl: 'https://staging.example.com/',
  description: 'Deploy example/app:v2 to web',
  logUrl: RUN_URL,
};

const forbidden = {
  status: 403,
  body: {
    message: 'Resource not accessible by integration',
    documentation_url: 'https://docs.github.com/rest/deployments/deployments#create-a-deployment',
    status: '403',
  },
};

describe('startDeployment', () => {
  const github = useFakeGitHub({ token: TOKEN });
  afterEach(() => vi.restoreAllMocks());

  const client = async () => {
    // createOctokit announces the token with ::add-mask::; keep the test output clean.
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const octokit = await createOctokit(TOKEN, {
      baseUrl: github().url,
      retries: 2,
      retryBaseDelayMs: 1,
    });
    vi.restoreAllMocks();
    return octokit;
  };
  const store = () => {
    const deployments = new DeploymentStore();
    deployments.register(github());
    return deployments;
  };

  it.each([
    { state: 'success', description: 'web: 3/3 ready in 41 s' },
    { state: 'failure', description: 'rolled back to revision 4 (example/app:v1)' },
    { state: 'error', description: 'cancelled; rollback finished by the post step' },
  ] as const)('records create, in_progress and $state', async ({ state, description }) => {
    const deployments = store();
    const handle = await startDeployment(await client(), request);
    expect(handle.skippedBecause).toBeUndefined();
    expect(await handle.finish(state, description)).toBeUndefined();

    expect(deployments.deployments).toHaveLength(1);
    const [deployment] = deployments.deployments;
    expect(deployment).toMatchObject({
      id: handle.id,
      ref: SHA,
      environment: 'staging',
      description: 'Deploy example/app:v2 to web',
      autoMerge: false,
      requiredContexts: [],
      transientEnvironment: false,
      productionEnvironment: false,
    });
    expect(deployment?.statuses.map((s) => [s.state, s.description, s.logUrl])).toEqual([
      ['in_progress', 'Deploy example/app:v2 to web', RUN_URL],
      [state, description, RUN_URL],
    ]);
    expect(deployment?.statuses.every((s) => s.environmentUrl === request.environmentUrl)).toBe(
      true,
    );
  });

  it('links the final status to the log URL given to finish', async () => {
    const deployments = store();
    const handle = await startDeployment(await client(), { ...request, environmentUrl: undefined });
    await handle.finish('failure', 'smoke test health failed', `${RUN_URL}/job/7`);
    expect(deployments.deployments[0]?.statuses.map((s) => s.logUrl)).toEqual([
      RUN_URL,
      `${RUN_URL}/job/7`,
    ]);
    const bodies = github()
      .callsTo('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses')
      .map((call) => call.body as Record<string, unknown>);
    expect(bodies.some((body) => 'environment_url' in body)).toBe(false);
  });

  it('keeps a long description within what GitHub accepts', async () => {
    const deployments = store();
    const handle = await startDeployment(await client(), request);
    expect(await handle.finish('failure', `rolled back: ${'pod crash-looping; '.repeat(20)}`)).toBe(
      undefined,
    );
    const last = deployments.deployments[0]?.statuses.at(-1);
    expect(Array.from(last?.description ?? '')).toHaveLength(140);
  });

  it.each([
    { name: '403 from the Actions token', answer: forbidden, reason: /may not write deployments/ },
    {
      name: '404 for a token without access',
      answer: {
        status: 404,
        body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' },
      },
      reason: /may not write deployments \(Not Found/,
    },
    {
      name: '422 for a commit GitHub does not know',
      answer: {
        status: 422,
        body: {
          message: `No ref found for: ${SHA}`,
          documentation_url: 'https://docs.github.com/rest',
        },
      },
      reason: new RegExp(`No ref found for: ${SHA}\\.$`),
    },
  ])('turns a $name into a no-op handle with a reason', async ({ answer, reason }) => {
    const deployments = store();
    github().failNext('POST /repos/{owner}/{repo}/deployments', answer);
    const handle = await startDeployment(await client(), request);
    expect(handle.id).toBeUndefined();
    expect(handle.skippedBecause).toMatch(/^No GitHub deployment was recorded: /);
    expect(handle.skippedBecause).toMatch(reason);
    expect(await handle.finish('success', 'deployed')).toBeUndefined();
    expect(deployments.deployments).toEqual([]);
    expect(
      github().callsTo('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses'),
    ).toEqual([]);
  });

  it('says how to grant the permission when the token may not write deployments', async () => {
    store();
    github().failNext('POST /repos/{owner}/{repo}/deployments', forbidden);
    const handle = await startDeployment(await client(), request);
    expect(handle.skippedBecause).toContain('permissions: deployments: write');
  });

  it('gives up quietly when GitHub stays unavailable', async () => {
    store();
    github().failNext(
      'POST /repos/{owner}/{repo}/deployments',
      { status: 502, body: { message: 'Server Error' } },
      3,
    );
    const handle = await startDeployment(await client(), request);
    expect(handle.id).toBeUndefined();
    expect(handle.skippedBecause).toMatch(/^No GitHub deployment was recorded: .*Server Error/);
    expect(github().callsTo('POST /repos/{owner}/{repo}/deployments')).toHaveLength(3);
  });

  it('reports a final status that could not be set instead of throwing', async () => {
    const deployments = store();
    const handle = await startDeployment(await client(), request);
    github().failNext('POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses', forbidden);
    const note = await handle.finish('success', 'deployed');
    expect(note).toMatch(
      new RegExp(`^The status of GitHub deployment ${handle.id} could not be set to success: `),
    );
    expect(note).toMatch(/may not write deployments/);
    expect(deployments.deployments[0]?.statuses.map((s) => s.state)).toEqual(['in_progress']);
  });
});

describe('resumeDeployment', () => {
  const github = useFakeGitHub({ token: TOKEN });
  afterEach(() => vi.restoreAllMocks());
  const client = async () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const octokit = await createOctokit(TOKEN, { baseUrl: github().url, retries: 0 });
    vi.restoreAllMocks();
    return octokit;
  };
  const marked = (workload: string) => ({ ...request, payload: { canary: { workload } } });
  const search = {
    owner: 'octo-org',
    repo: 'octo-service',
    environment: 'staging',
    environmentUrl: 'https://staging.example.com/',
    logUrl: `${RUN_URL}/attempts/2`,
    matches: (payload: unknown) =>
      (payload as { canary?: { workload?: string } }).canary?.workload === 'web',
  };

  it('finishes the in-progress deployment an earlier job started, not a new one', async () => {
    const deployments = new DeploymentStore();
    deployments.register(github());
    const started = await startDeployment(await client(), marked('web'));
    await startDeployment(await client(), marked('worker'));
    const resumed = await resumeDeployment(await client(), search);
    expect(resumed.id).toBe(started.id);
    expect(await resumed.finish('inactive', 'aborted on request at 25%')).toBeUndefined();
    expect(deployments.deployments).toHaveLength(2);
    expect(deployments.deployments[0]?.statuses.map((s) => [s.state, s.logUrl])).toEqual([
      ['in_progress', RUN_URL],
      ['inactive', `${RUN_URL}/attempts/2`],
    ]);
    expect(deployments.deployments[1]?.statuses.map((s) => s.state)).toEqual(['in_progress']);
  });

  it('passes over finished deployments and those of other environments', async () => {
    const deployments = new DeploymentStore();
    deployments.register(github());
    const other = await startDeployment(await client(), { ...marked('web'), environment: 'qa' });
    const done = await startDeployment(await client(), marked('web'));
    await done.finish('success', 'promoted');
    const resumed = await resumeDeployment(await client(), search);
    expect(resumed.id).toBeUndefined();
    expect(resumed.skippedBecause).toBe(
      'No GitHub deployment was finished: no unfinished deployment of this workload was found in staging.',
    );
    expect(other.id).toBeDefined();
    expect(deployments.deployments.map((d) => d.statuses.length)).toEqual([1, 2]);
  });

  it('says why when the token may not read deployments', async () => {
    new DeploymentStore().register(github());
    github().failNext('GET /repos/{owner}/{repo}/deployments', forbidden);
    const resumed = await resumeDeployment(await client(), search);
    expect(resumed.id).toBeUndefined();
    expect(resumed.skippedBecause).toMatch(
      /^The started GitHub deployment could not be looked up: .*permissions: deployments: write/,
    );
  });
});

describe('fitStatusDescription', () => {
  it.each([
    { given: 'deployed', expected: 'deployed' },
    { given: '  rolled\n back  ', expected: 'rolled back' },
    { given: 'x'.repeat(140), expected: 'x'.repeat(140) },
    { given: 'x'.repeat(141), expected: `${'x'.repeat(139)}…` },
    { given: '😀'.repeat(150), expected: `${'😀'.repeat(139)}…` },
  ])('$given → $expected', ({ given, expected }) => {
    expect(fitStatusDescription(given)).toBe(expected);
  });
});

describe('describeDeploymentFailure', () => {
  it.each([
    {
      thrown: Object.assign(new Error('Resource not accessible by integration'), { status: 403 }),
      expected:
        'X: the token may not write deployments (Resource not accessible by integration); ' +
        'give the job `permissions: deployments: write` (and `contents: read`) to record it.',
    },
    {
      thrown: new Error('Resource not accessible by integration'),
      expected: /^X: the token may not write deployments/,
    },
    {
      thrown: Object.assign(new Error('Bad credentials'), { status: 401 }),
      expected: 'X: GitHub did not accept the token (Bad credentials).',
    },
    {
      thrown: Object.assign(new Error('Validation Failed\ndetails'), { status: 422 }),
      expected: 'X: Validation Failed.',
    },
    { thrown: 'socket hang up', expected: 'X: socket hang up.' },
  ])('$thrown', ({ thrown, expected }) => {
    const described = describeDeploymentFailure('X', thrown);
    if (typeof expected === 'string') expect(described).toBe(expected);
    else expect(described).toMatch(expected);
  });
});
