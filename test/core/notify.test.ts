import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { maskSecrets } from '../../src/core/secrets.js';
import {
  escapeMrkdwn,
  formatOutcome,
  notifyWebhook,
  type RolloutOutcome,
  type SlackMessage,
} from '../../src/core/notify.js';

const RUN_URL = 'https://github.com/octo-org/octo-service/actions/runs/4242';

describe('formatOutcome', () => {
  const web = { name: 'web', from: 'example/app:v1', to: 'example/app:v2' };
  const worker = { name: 'worker', from: 'example/app:v1', to: 'example/app:v2' };
  const cron = { name: 'cron', from: 'example/cron:3', to: 'example/cron:4' };

  it.each<{ outcome: Omit<RolloutOutcome, 'runUrl'>; text: string; lines: string | undefined }>([
    {
      outcome: { status: 'succeeded', environment: 'staging', workloads: [web] },
      text: `✅ Deployed example/app:v2 to staging (<${RUN_URL}|workflow run>)`,
      lines: '• *web*: `example/app:v1` → `example/app:v2`',
    },
    {
      outcome: { status: 'succeeded', environment: 'staging', workloads: [web, worker] },
      text: `✅ Deployed example/app:v2 to staging (<${RUN_URL}|workflow run>)`,
      lines:
        '• *web*: `example/app:v1` → `example/app:v2`\n' +
        '• *worker*: `example/app:v1` → `example/app:v2`',
    },
    {
      outcome: { status: 'succeeded', environment: 'production', workloads: [web, cron] },
      text: `✅ Deployed 2 workloads to production (<${RUN_URL}|workflow run>)`,
      lines:
        '• *web*: `example/app:v1` → `example/app:v2`\n• *cron*: `example/cron:3` → `example/cron:4`',
    },
    {
      outcome: { status: 'succeeded', environment: 'staging', workloads: [] },
      text: `✅ Deployed to staging (<${RUN_URL}|workflow run>)`,
      lines: undefined,
    },
    {
      outcome: { status: 'rolled-back', environment: 'staging', workloads: [web] },
      text: `↩️ Rollout to staging failed and was rolled back (<${RUN_URL}|workflow run>)`,
      lines: '• *web*: `example/app:v1` → `example/app:v2`',
    },
    {
      outcome: {
        status: 'failed',
        environment: 'staging',
        workloads: [{ name: 'web', from: undefined, to: 'example/app:v1' }],
      },
      text: `❌ Rollout to staging failed (<${RUN_URL}|workflow run>)`,
      lines: '• *web*: _first deploy_ → `example/app:v1`',
    },
    {
      outcome: {
        status: 'failed',
        environment: 'qa <eu> & us',
        workloads: [{ name: 'web', from: 'a&b', to: '<c>' }],
      },
      text: `❌ Rollout to qa &lt;eu&gt; &amp; us failed (<${RUN_URL}|workflow run>)`,
      lines: '• *web*: `a&amp;b` → `&lt;c&gt;`',
    },
  ])('$outcome.status to $outcome.environment: $text', ({ outcome, text, lines }) => {
    const message = formatOutcome({ ...outcome, runUrl: RUN_URL });
    expect(message.text).toBe(text);
    const sections = (message.blocks ?? []).flatMap((block) =>
      block.type === 'section' ? [block.text.text] : [],
    );
    expect(sections[0]).toBe(`*${text.replace(/ \(<.*$/, '')}*`);
    expect(sections[1]).toBe(lines);
    expect(message.blocks?.at(-1)).toEqual({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `Environment: *${escapeMrkdwn(outcome.environment)}* · <${RUN_URL}|workflow run>`,
        },
      ],
    });
  });

  it.each([
    { count: 20, listed: 20, more: undefined },
    { count: 21, listed: 20, more: '…and 1 more (see the workflow run)' },
    { count: 75, listed: 20, more: '…and 55 more (see the workflow run)' },
  ])('lists $listed of $count workloads', ({ count, listed, more }) => {
    const workloads = Array.from({ length: count }, (_, i) => ({
      name: `svc-${i}`,
      from: 'example/app:v1',
      to: 'example/app:v2',
    }));
    const message = formatOutcome({
      status: 'succeeded',
      environment: 'staging',
      workloads,
      runUrl: RUN_URL,
    });
    const list = message.blocks?.[1];
    const lines = list?.type === 'section' ? list.text.text.split('\n') : [];
    expect(lines.filter((line) => line.startsWith('• '))).toHaveLength(listed);
    expect(lines.at(-1)).toBe(more ?? lines[listed - 1]);
  });

  it('keeps a run URL from breaking its link', () => {
    const message = formatOutcome({
      status: 'failed',
      environment: 'staging',
      workloads: [],
      runUrl: 'https://ci.example/run?a=1|2>3',
    });
    expect(message.text).toContain('<https://ci.example/run?a=1%7C2%3E3|workflow run>');
  });
});

interface Received {
  method: string;
  path: string;
  contentType: string | undefined;
  body: unknown;
}

describe('notifyWebhook', () => {
  let server: Server;
  let base: string;
  const received: Received[] = [];
  let answers: number[] = [];
  const SECRET_PATH = '/services/T0SLIPWAY/B0ROLLOUT/xoxSecretWebhookPart';
  const message: SlackMessage = formatOutcome({
    status: 'succeeded',
    environment: 'staging',
    workloads: [{ name: 'web', from: 'example/app:v1', to: 'example/app:v2' }],
    runUrl: RUN_URL,
  });
  const fast = { retry: { baseDelayMs: 1, maxDelayMs: 5 }, timeoutMs: 2_000 };

  const readJson = async (request: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  };

  beforeAll(async () => {
    server = createServer((request, response) => {
      void readJson(request).then((body) => {
        received.push({
          method: request.method ?? '',
          path: request.url ?? '',
          contentType: request.headers['content-type'],
          body,
        });
        const status = answers.shift() ?? 200;
        response.writeHead(status, { 'content-type': 'text/plain' });
        response.end(status === 200 ? 'ok' : status === 404 ? 'no_service' : 'server_error');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  afterEach(() => {
    received.length = 0;
    answers = [];
    vi.restoreAllMocks();
  });

  const quietly = () => {
    // registerSecret announces ::add-mask:: lines and retries log a line; keep both out of the test output.
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    return written;
  };

  it('POSTs the Slack payload as JSON', async () => {
    quietly();
    expect(await notifyWebhook(`${base}${SECRET_PATH}`, message, fast)).toBeUndefined();
    expect(received).toEqual([
      { method: 'POST', path: SECRET_PATH, contentType: 'application/json', body: message },
    ]);
  });

  it.each([
    { answered: [500, 200], requests: 2, note: undefined },
    { answered: [502, 503, 200], requests: 3, note: undefined },
    {
      answered: [500, 500, 500],
      requests: 3,
      note: /returned 500 Internal Server Error: server_error; gave up after 3 attempts/,
    },
    {
      answered: [404],
      requests: 1,
      note: /returned 404 Not Found: no_service\. The webhook may have been removed/,
    },
    { answered: [400], requests: 1, note: /returned 400 Bad Request/ },
  ])('answered $answered: $requests request(s)', async ({ answered, requests, note }) => {
    const written = quietly();
    answers = [...answered];
    const result = await notifyWebhook(`${base}${SECRET_PATH}`, message, fast);
    expect(received).toHaveLength(requests);
    if (note === undefined) {
      expect(result).toBeUndefined();
    } else {
      expect(result).toMatch(
        new RegExp(`^Could not send the notification to 127\\.0\\.0\\.1:\\d+: `),
      );
      expect(result).toMatch(note);
    }
    for (const text of [
      result ?? '',
      ...written.filter((line) => !line.startsWith('::add-mask::')),
    ]) {
      expect(text).not.toContain('xoxSecretWebhookPart');
      expect(text).not.toContain('B0ROLLOUT');
    }
  });

  it('reports an unreachable webhook by host only, after retrying', async () => {
    quietly();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const note = await notifyWebhook(`http://127.0.0.1:${port}${SECRET_PATH}`, message, fast);
    expect(note).toMatch(
      new RegExp(
        `^Could not send the notification to 127\\.0\\.0\\.1:${port}: .*connection refused.*3 attempts`,
      ),
    );
    expect(note).not.toContain('services');
  });

  it('registers the webhook as a secret, path included', async () => {
    quietly();
    await notifyWebhook(`${base}${SECRET_PATH}`, message, fast);
    expect(maskSecrets(`posting to ${base}${SECRET_PATH}`)).toBe('posting to ***');
    expect(maskSecrets(`path ${SECRET_PATH}`)).toBe('path ***');
  });

  it.each([
    { url: 'not a url', note: 'No notification was sent: notify-webhook is not a URL.' },
    {
      url: 'ftp://hooks.example/services/abc',
      note: 'No notification was sent: notify-webhook must be an http(s) URL, not ftp:.',
    },
  ])('refuses $url without sending', async ({ url, note }) => {
    quietly();
    expect(await notifyWebhook(url, message, fast)).toBe(note);
    expect(received).toEqual([]);
  });
});
