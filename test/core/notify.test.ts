import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { maskSecrets } from '../../src/core/secrets.js';
import {
  formatNotice,
  MAX_DETAIL_LENGTH,
  notifyWebhook,
  type SlackMessage,
} from '../../src/core/notify.js';

const RUN_URL = 'https://github.com/octo-org/octo-service/actions/runs/4242';

describe('formatNotice', () => {
  const web = { name: 'web', from: 'example/app:v1', to: 'example/app:v2' };

  it.each([
    { tone: 'success', mark: '✅' },
    { tone: 'reverted', mark: '↩️' },
    { tone: 'failure', mark: '❌' },
    { tone: 'waiting', mark: '⏸️' },
  ] as const)("leads a $tone notice with $mark and the caller's headline", ({ tone, mark }) => {
    const message = formatNotice({
      tone,
      headline: 'Canary of example/app:v2 in qa <eu> & us',
      environment: 'qa',
      workloads: [web],
      runUrl: RUN_URL,
    });
    expect(message.text).toBe(
      `${mark} Canary of example/app:v2 in qa &lt;eu&gt; &amp; us (<${RUN_URL}|workflow run>)`,
    );
    expect(message.blocks?.[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '• *web*: `example/app:v1` → `example/app:v2`' },
    });
  });

  it('shows the details after the workloads, one line each, blank ones dropped', () => {
    const message = formatNotice({
      tone: 'failure',
      headline: 'Canary aborted',
      environment: 'production',
      workloads: [web],
      details: ['Weights reached: 10% → 25%', '  ', 'Reason: error rate 4% > 1%\n(stable 0%)'],
      runUrl: RUN_URL,
    });
    expect(message.blocks?.map((block) => block.type)).toEqual([
      'section',
      'section',
      'section',
      'context',
    ]);
    expect(message.blocks?.[2]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: 'Weights reached: 10% → 25%\nReason: error rate 4% &gt; 1% (stable 0%)',
      },
    });
  });

  it('cuts a very long detail line', () => {
    const message = formatNotice({
      tone: 'failure',
      headline: 'Canary aborted',
      environment: 'production',
      workloads: [],
      details: ['x'.repeat(2_000)],
      runUrl: RUN_URL,
    });
    const details = message.blocks?.[1];
    const text = details?.type === 'section' ? details.text.text : '';
    expect(Array.from(text)).toHaveLength(MAX_DETAIL_LENGTH);
    expect(text.endsWith('…')).toBe(true);
  });

  it('keeps names, images and reasons from mentioning anyone', () => {
    const message = formatNotice({
      tone: 'failure',
      headline: 'Canary of @channel aborted',
      environment: '<!here>',
      workloads: [{ name: '@oncall', from: 'a', to: '<@U024BE7LH>' }],
      details: ['Reason: ping @here and <!channel>; mail ops@example.com'],
      runUrl: RUN_URL,
    });
    const everything = JSON.stringify(message);
    expect(everything).not.toMatch(/@(channel|here|oncall|U024)/);
    expect(everything).not.toMatch(/<[!@]/);
    expect(everything).toContain('@\u200dchannel');
    // An e-mail address is no mention and stays as it is.
    expect(everything).toContain('ops@example.com');
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
    const message = formatNotice({
      tone: 'success',
      headline: 'Deployed to staging',
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
    const message = formatNotice({
      tone: 'failure',
      headline: 'Rollout to staging failed',
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
  const message: SlackMessage = formatNotice({
    tone: 'success',
    headline: 'Deployed example/app:v2 to staging',
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
