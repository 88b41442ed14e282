/**
 * The canary bundle tells GitHub and the team what it decided: a GitHub Deployment in the
 * environment (in the fake GitHub API the run talks to) and a message to a webhook receiver.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { SlackMessage } from '../../src/core/notify.js';
import { describeWithTool } from '../support/tools.js';
import {
  CANARY_IMAGE,
  ERRORS,
  expectPromoted,
  expectReverted,
  HEALTHY,
  STABLE_IMAGE,
  startScenario,
  startWorld,
  type Behaviour,
  type World,
} from './canary-support.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const RUN_URL = 'https://github.com/octo-org/octo-service/actions/runs/1658821493';
const WEBHOOK_PATH = '/services/T0CANARY/B0NOTICE/canaryHookSecret';

/** A whole canary plus the fake GitHub API's first start (it loads GitHub's API description). */
const RUN_TIMEOUT_MS = 120_000;

let world: World;
let receiver: Server;
let webhook: string;
const received: Array<{ path: string; message: SlackMessage }> = [];

async function canary(behaviour: Behaviour, inputs: Record<string, string> = {}) {
  const scenario = await startScenario(world, 'replicas', behaviour);
  try {
    const run = await scenario.run(
      {
        environment: 'production',
        'environment-url': 'https://shop.example.com',
        'notify-webhook': webhook,
        ...inputs,
      },
      { secrets: [webhook] },
    );
    return { scenario, run };
  } finally {
    await scenario.stop();
  }
}

describeWithTool(
  { program: 'prometheus', debianPackage: 'prometheus', versionArgs: ['--version'] },
  'canary bundle: GitHub Deployment and webhook notice',
  () => {
    beforeAll(async () => {
      world = await startWorld();
      receiver = createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          received.push({
            path: request.url ?? '',
            message: JSON.parse(Buffer.concat(chunks).toString('utf8')) as SlackMessage,
          });
          response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      webhook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}${WEBHOOK_PATH}`;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => receiver?.close(() => resolve()) ?? resolve());
      await world?.stop();
    });
    beforeEach(() => {
      received.length = 0;
    });

    it(
      'records a promoted canary as a successful Deployment and tells the webhook',
      async () => {
        const { scenario, run } = await canary(HEALTHY);
        expect(run.main.exitCode, run.main.stdout).toBe(0);
        expect(run.main.outputs.decision).toBe('promoted');
        expectPromoted(scenario);

        expect(run.deployments?.deployments).toHaveLength(1);
        const [deployment] = run.deployments?.deployments ?? [];
        expect(deployment).toMatchObject({ ref: SHA, environment: 'production' });
        expect(deployment?.statuses.map((s) => [s.state, s.environmentUrl, s.logUrl])).toEqual([
          ['in_progress', 'https://shop.example.com', RUN_URL],
          ['success', 'https://shop.example.com', RUN_URL],
        ]);
        expect(deployment?.statuses[1]?.description).toMatch(/^Promoted web to demo\/web:1\.1\.0/);

        expect(received).toHaveLength(1);
        const [{ path, message }] = received as [(typeof received)[number]];
        expect(path).toBe(WEBHOOK_PATH);
        expect(message.text).toBe(
          `✅ Canary of ${CANARY_IMAGE} for web promoted in production (<${RUN_URL}|workflow run>)`,
        );
        const body = JSON.stringify(message.blocks);
        expect(body).toContain(`\`${STABLE_IMAGE}\` → \`${CANARY_IMAGE}\``);
        expect(body).toContain('Decision: promoted');
        // Replicas mode approximates each weight by pod counts; the notice shows both.
        expect(body).toMatch(/Weights reached: 20%[^→]* → 50%[^→]* → 100%/);
        expect(body).toContain('Reason: the canary was as healthy as stable');
        // The webhook is a credential: the log never shows it, not even its path.
        const logged = run.main.stdout
          .split('\n')
          .filter((line) => !line.startsWith('::add-mask::'));
        expect(logged.join('\n')).not.toContain('canaryHookSecret');
        // …because the action registered it and its path as secrets for the runner to mask.
        expect(run.main.masks).toContain(WEBHOOK_PATH);
      },
      RUN_TIMEOUT_MS,
    );

    it(
      'records an aborted canary as a failed Deployment and says why',
      async () => {
        const { scenario, run } = await canary(ERRORS);
        expect(run.main.exitCode).toBe(1);
        expect(run.main.outputs.decision).toBe('aborted');
        expectReverted(scenario);

        const [deployment] = run.deployments?.deployments ?? [];
        expect(run.deployments?.deployments).toHaveLength(1);
        expect(deployment?.statuses.map((s) => s.state)).toEqual(['in_progress', 'failure']);
        expect(deployment?.statuses[1]?.description).toMatch(/^Aborted at \d+%/);

        expect(received).toHaveLength(1);
        const message = received[0]?.message;
        expect(message?.text).toMatch(
          new RegExp(
            `^↩️ Canary of ${CANARY_IMAGE.replace(/\./g, '\\.')} for web aborted in production`,
          ),
        );
        expect(JSON.stringify(message?.blocks)).toMatch(/Reason: aborted at \d+%: .*5xx/);
        // The summary and outputs came first: the notice only follows them.
        expect(JSON.parse(run.main.outputs.result)).toMatchObject({ decision: 'aborted' });
      },
      RUN_TIMEOUT_MS,
    );

    it(
      'ends the Deployment as a failure saying why when the run throws, instead of leaving it in progress',
      async () => {
        const { run } = await canary(HEALTHY, { deployment: 'webshop' });
        expect(run.main.exitCode).toBe(1);
        const [deployment] = run.deployments?.deployments ?? [];
        expect(run.deployments?.deployments).toHaveLength(1);
        expect(deployment?.statuses.map((s) => s.state)).toEqual(['in_progress', 'failure']);
        expect(deployment?.statuses[1]?.description).toMatch(/^Canary failed: .*webshop/);
      },
      RUN_TIMEOUT_MS,
    );
  },
);
