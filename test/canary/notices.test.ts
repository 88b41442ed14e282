import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CanaryNotices,
  canaryNotice,
  deploymentState,
  PAYLOAD_KEY,
} from '../../src/canary/notices.js';
import type { CanaryReport, Settings, StepRecord } from '../../src/canary/types.js';
import type { SlackMessage } from '../../src/core/notify.js';
import { captureStdout } from '../support/capture-stdout.js';
import { DeploymentStore, useFakeGitHub } from '../support/fake-github/index.js';

const TOKEN = 'ghs_canary_notices_token';
const SHA = '0123456789abcdef0123456789abcdef01234567';
const RUN_URL = 'https://github.com/octo-org/octo-service/actions/runs/777';
const STABLE = 'ghcr.io/acme/web:1.2.2';
const CANARY = 'ghcr.io/acme/web:1.2.3';
const CLUSTER = { context: 'prod-eu', server: 'api.eu.example.com:6443' };

function step(weight: number, decision: StepRecord['decision'] = 'passed'): StepRecord {
  const window = { requests: 400, errorRate: 0.001, p95Ms: 40 };
  return {
    weight,
    achievedWeight: weight,
    startedAt: '2026-12-01T10:00:00.000Z',
    durationMs: 60_000,
    canary: window,
    stable: window,
    pValue: 1,
    checks: [],
    decision,
    reason: undefined,
  };
}

function report(overrides: Partial<CanaryReport> = {}): CanaryReport {
  return {
    decision: 'promoted',
    reason: 'the canary was as healthy as stable at every step',
    mode: 'auto',
    traffic: 'replicas',
    namespace: 'shop',
    deployment: 'web',
    container: 'web',
    stableImage: STABLE,
    canaryImage: CANARY,
    steps: [step(10), step(25), step(100)],
    finalWeight: 100,
    durationMs: 200_000,
    detectionMs: undefined,
    cleanup: { stableImage: CANARY, stableHealthy: true, leftoverObjects: [], canaryWeight: 0 },
    notes: [],
    ...overrides,
  };
}

const aborted = report({
  decision: 'aborted',
  reason: 'aborted at 25%: canary 5xx 6.0% vs stable 0.1%, p = 0.001',
  steps: [step(10), step(25, 'aborted')],
  finalWeight: 0,
  cleanup: { stableImage: STABLE, stableHealthy: true, leftoverObjects: [], canaryWeight: 0 },
});

describe('deploymentState', () => {
  it.each([
    { name: 'a promotion', given: report(), failed: false, state: 'success' },
    { name: 'an abort on the figures', given: aborted, failed: true, state: 'failure' },
    {
      name: 'an abort someone asked for',
      given: { ...aborted, mode: 'abort' as const },
      failed: false,
      state: 'inactive',
    },
    {
      name: 'an asked-for abort that left stable unhealthy',
      given: { ...aborted, mode: 'abort' as const },
      failed: true,
      state: 'failure',
    },
    {
      name: 'a paused canary',
      given: report({ decision: 'paused' }),
      failed: false,
      state: undefined,
    },
    {
      name: 'a started canary',
      given: report({ decision: 'started' }),
      failed: false,
      state: undefined,
    },
    { name: 'a kept canary', given: report({ decision: 'kept' }), failed: false, state: undefined },
  ])('$name → $state', ({ given, failed, state }) => {
    expect(deploymentState(given, failed)).toBe(state);
  });
});

describe('canaryNotice', () => {
  it('says what was decided, how far the weights went, the images and why', () => {
    const notice = canaryNotice(aborted, 'production', RUN_URL);
    expect(notice).toEqual({
      tone: 'reverted',
      headline: `Canary of ${CANARY} for web aborted in production`,
      environment: 'production',
      workloads: [{ name: 'web', from: STABLE, to: CANARY }],
      details: [
        'Decision: aborted',
        'Weights reached: 10% → 25%',
        'Reason: aborted at 25%: canary 5xx 6.0% vs stable 0.1%, p = 0.001',
      ],
      runUrl: RUN_URL,
    });
  });

  it.each([
    { given: report(), tone: 'success', headline: `Canary of ${CANARY} for web promoted in qa` },
    {
      given: report({ decision: 'paused', finalWeight: 25, steps: [step(10), step(25)] }),
      tone: 'waiting',
      headline: `Canary of ${CANARY} for web paused at 25% in qa`,
    },
    {
      given: {
        ...aborted,
        cleanup: { ...aborted.cleanup!, leftoverObjects: ['deployment/web-canary'] },
      },
      tone: 'failure',
      headline: `Canary of ${CANARY} for web aborted in qa`,
    },
  ])('$headline', ({ given, tone, headline }) => {
    expect(canaryNotice(given, 'qa', RUN_URL)).toMatchObject({ tone, headline });
  });

  it('sends nothing when a reaper found nothing to do', () => {
    expect(canaryNotice(report({ decision: 'kept' }), 'production', RUN_URL)).toBeUndefined();
  });
});

describe('CanaryNotices', () => {
  const github = useFakeGitHub({ token: TOKEN });
  let receiver: Server;
  let webhook: string;
  const received: SlackMessage[] = [];
  let answer = 200;

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as SlackMessage);
        response.writeHead(answer).end(answer === 200 ? 'ok' : 'no_service');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    webhook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/services/T1/B2/hooksecret`;
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
  beforeEach(() => {
    received.length = 0;
    answer = 200;
    for (const [name, value] of Object.entries({
      GITHUB_EVENT_NAME: 'push',
      GITHUB_SHA: SHA,
      GITHUB_REPOSITORY: 'octo-org/octo-service',
      GITHUB_RUN_ID: '777',
      GITHUB_ACTOR: 'mona-dev',
      GITHUB_WORKFLOW: 'deploy',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: github().url,
      GITHUB_EVENT_PATH: '',
    })) {
      vi.stubEnv(name, value);
    }
    return () => vi.unstubAllEnvs();
  });

  const settings = (mode: Settings['mode']): Settings =>
    ({
      mode,
      namespace: 'shop',
      deployment: 'web',
      image: mode === 'abort' ? undefined : CANARY,
      environment: 'production',
      environmentUrl: 'https://shop.example.com',
      notifyWebhook: webhook,
      githubToken: TOKEN,
    }) as Settings;

  /** One job of the workflow: open before the canary, finish after its summary. */
  const job = async (mode: Settings['mode'], outcome: CanaryReport, failed = false) => {
    const { commands } = await captureStdout(async () => {
      const notices = await CanaryNotices.open(settings(mode), CLUSTER);
      await notices.finish({ ...outcome, mode }, failed);
    });
    return commands.filter((c) => c.command === 'warning').map((c) => c.message);
  };

  it('start leaves the Deployment in progress; promote in a later job finishes that one', async () => {
    const deployments = new DeploymentStore();
    deployments.register(github());
    const paused = report({ decision: 'paused', finalWeight: 25, steps: [step(10), step(25)] });
    expect(await job('start', paused)).toEqual([]);
    expect(await job('promote', report())).toEqual([]);

    expect(deployments.deployments).toHaveLength(1);
    const [deployment] = deployments.deployments;
    expect(deployment).toMatchObject({ ref: SHA, environment: 'production' });
    expect(deployment?.payload).toEqual({
      [PAYLOAD_KEY]: { server: CLUSTER.server, namespace: 'shop', deployment: 'web' },
    });
    expect(deployment?.statuses.map((s) => [s.state, s.environmentUrl, s.logUrl])).toEqual([
      ['in_progress', 'https://shop.example.com', RUN_URL],
      ['success', 'https://shop.example.com', RUN_URL],
    ]);
    expect(received.map((message) => message.text)).toEqual([
      `⏸️ Canary of ${CANARY} for web paused at 25% in production (<${RUN_URL}|workflow run>)`,
      `✅ Canary of ${CANARY} for web promoted in production (<${RUN_URL}|workflow run>)`,
    ]);
  });

  it('an abort on request marks the started Deployment inactive', async () => {
    const deployments = new DeploymentStore();
    deployments.register(github());
    await job('start', report({ decision: 'started', finalWeight: 0, steps: [] }));
    expect(await job('abort', { ...aborted, reason: 'aborted on request at 0%' })).toEqual([]);
    expect(deployments.deployments.map((d) => d.statuses.map((s) => s.state))).toEqual([
      ['in_progress', 'inactive'],
    ]);
  });

  it('an auto canary judged worse ends its Deployment as a failure', async () => {
    const deployments = new DeploymentStore();
    deployments.register(github());
    await job('auto', aborted, true);
    expect(deployments.deployments.map((d) => d.statuses.map((s) => s.state))).toEqual([
      ['in_progress', 'failure'],
    ]);
    expect(deployments.deployments[0]?.statuses[1]?.description).toMatch(/^Aborted at 25%/);
  });

  const owner = (runId: string) => ({
    runId,
    runAttempt: 1,
    repository: 'octo-org/octo-service',
    workflow: 'deploy',
    job: 'canary',
  });

  it('a run that throws or is cancelled ends its Deployment as a failure saying why, once', async () => {
    const deployments = new DeploymentStore();
    deployments.register(github());
    await captureStdout(async () => {
      const notices = await CanaryNotices.open(settings('start'), CLUSTER, { owner: owner('777') });
      await notices.abandon('Canary failed: a canary of web belongs to run 776 and is still alive');
      // A second end (the thrown error after a cancel) posts nothing more.
      await notices.abandon('Cancelled');
    });
    expect(deployments.deployments.map((d) => d.statuses.map((s) => s.state))).toEqual([
      ['in_progress', 'failure'],
    ]);
    expect(deployments.deployments[0]?.statuses[1]?.description).toMatch(
      /^Canary failed: a canary of web belongs to run 776/,
    );
    // A promote job that fails leaves the started canary's Deployment to the job that ends it.
    const promote = await CanaryNotices.open(settings('promote'), CLUSTER);
    await promote.abandon('Canary failed: digest differs');
    expect(deployments.deployments[0]?.statuses).toHaveLength(2);
  });

  it("promote finishes the Deployment of the canary's owner, not an earlier run's left in progress", async () => {
    const deployments = new DeploymentStore();
    deployments.register(github());
    const paused = report({ decision: 'paused', finalWeight: 25, steps: [step(10), step(25)] });
    // Run 775's runner was lost while its Deployment was in progress; run 776 started the canary.
    for (const runId of ['775', '776']) {
      await captureStdout(async () => {
        const notices = await CanaryNotices.open(settings('start'), CLUSTER, {
          owner: owner(runId),
        });
        await notices.finish({ ...paused, mode: 'start' }, false);
      });
    }
    // GitHub lists the newest first; make the lost run's the newest to be sure it is skipped.
    deployments.deployments.reverse();
    await captureStdout(async () => {
      const notices = await CanaryNotices.open(settings('promote'), CLUSTER, {
        owner: owner('777'),
        canaryOwner: () => Promise.resolve(owner('776')),
      });
      await notices.finish({ ...report(), mode: 'promote' }, false);
    });
    const states = Object.fromEntries(
      deployments.deployments.map((d) => [
        (d.payload as Record<string, { run: { runId: string } }>)[PAYLOAD_KEY].run.runId,
        d.statuses.map((s) => s.state),
      ]),
    );
    expect(states).toEqual({ '775': ['in_progress'], '776': ['in_progress', 'success'] });
  });

  it('warns, and finishes the rest, when GitHub refuses and the webhook is gone', async () => {
    new DeploymentStore().register(github());
    github().failNext('POST /repos/{owner}/{repo}/deployments', {
      status: 403,
      body: {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest',
      },
    });
    answer = 404;
    const warnings = await job('auto', report());
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^No GitHub deployment was recorded: .*deployments: write/);
    expect(warnings[1]).toMatch(/^Could not send the notification to 127\.0\.0\.1:\d+: .*404/);
    expect(warnings.join('\n')).not.toContain('hooksecret');
    expect(received).toHaveLength(1);
  });
});
