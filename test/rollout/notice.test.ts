import { describe, expect, it } from 'vitest';
import { escapeMrkdwn } from '../../src/core/notify.js';
import { formatOutcome, type RolloutOutcome } from '../../src/rollout/notice.js';

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
});
