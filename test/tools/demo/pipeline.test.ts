import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { judge, verdictOf, type ActionRecord } from '../../../tools/demo/pipeline.js';
import { SCENARIOS } from '../../../tools/demo/scenarios.js';
import {
  MERMAID_BUNDLE,
  MERMAID_SCRIPT,
  renderSummaryPage,
} from '../../../tools/demo/summary-page.js';

type Outcome = ActionRecord['outcome'];

function records(
  outcomes: Outcome[],
  canary: Record<string, unknown> = {},
  problems: string[] = [],
): ActionRecord[] {
  const actions = ['quality-gate', 'coverage', 'image', 'rollout', 'canary'] as const;
  return actions.map((action, index) => ({
    action,
    outcome: outcomes[index],
    jobSeconds: 1,
    verdict: '',
    summaries: [],
    details: action === 'canary' ? canary : {},
    problems: action === 'canary' ? problems : [],
  }));
}

const ok: Outcome = 'success';

describe('demo: judging a run against its scenario', () => {
  it.each<{ scenario: string; run: ActionRecord[]; problems: string[] }>([
    {
      scenario: 'healthy',
      run: records([ok, ok, ok, ok, ok], { decision: 'promoted' }),
      problems: [],
    },
    {
      scenario: 'bad-canary',
      run: records([ok, ok, ok, ok, 'failure'], { decision: 'aborted' }),
      problems: [],
    },
    {
      scenario: 'bad-canary',
      run: records([ok, ok, ok, ok, ok], { decision: 'promoted' }),
      problems: ['canary: success, expected failure', 'canary decided promoted, expected aborted'],
    },
    {
      scenario: 'bad-canary',
      run: records([ok, ok, ok, ok, 'failure'], { decision: 'aborted' }, ['1 object left']),
      problems: ['canary: 1 object left'],
    },
    {
      scenario: 'failing-smoke',
      run: records([ok, ok, ok, 'failure', 'skipped']),
      problems: [],
    },
    {
      scenario: 'bad-build',
      run: records([ok, 'skipped', 'skipped', 'skipped', 'skipped']),
      problems: ['quality-gate: success, expected failure'],
    },
  ])('$scenario: $problems', ({ scenario, run, problems }) => {
    expect(judge(SCENARIOS.get(scenario)!, run)).toEqual(problems);
  });

  it('reads the verdict as GitHub shows the first line', () => {
    expect(
      verdictOf('\n<h3>✅ Coverage 90.00%: gates &lt;passed&gt; &amp; done</h3>\n\n| a |'),
    ).toBe('✅ Coverage 90.00%: gates <passed> & done');
  });

  it('renders markdown, leaves Mermaid for the page to draw and escapes what the demo adds', () => {
    const page = renderSummaryPage({
      scenario: SCENARIOS.get('healthy')!,
      asExpected: true,
      durationSeconds: 12.34,
      records: [
        {
          ...records([ok])[0],
          summaries: [{ step: 'one', markdown: '| a |\n| - |\n| b |\n\n```mermaid\nA-->B\n```' }],
        },
        { ...records([ok, 'skipped'])[1], skippedBecause: 'quality-gate <did not> succeed' },
      ],
    });
    expect(page).toContain('<td>b</td>');
    // The source stays readable (open until drawn) and is what the page's script draws.
    expect(page).toContain(
      '<figure class="mermaid-chart"><div class="mermaid-diagram"></div><details open><summary>Mermaid source</summary><pre class="mermaid-source">A--&#62;B</pre></details></figure>',
    );
    expect(page).toContain(`<script src="${MERMAID_SCRIPT}"></script>`);
    expect(page).toContain("securityLevel: 'strict'");
    expect(page).toContain('quality-gate &#60;did not&#62; succeed');
    expect(page).toContain('12.3 s');
  });

  it('allows no remote load, and the inline script by its hash', () => {
    const page = renderSummaryPage({
      scenario: SCENARIOS.get('healthy')!,
      asExpected: true,
      durationSeconds: 1,
      records: records([ok]),
    });
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(page)?.[1];
    const directives = new Map(
      policy!.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)] as const),
    );
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(policy).not.toMatch(/https?:|\*|'unsafe-eval'/);
    const inline = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    expect(inline).toHaveLength(1);
    const hash = createHash('sha256').update(inline[0]).digest('base64');
    expect(directives.get('script-src')).toEqual(["'self'", `'sha256-${hash}'`]);
    // The bundle the demo copies beside the page is mermaid's classic-script build.
    expect(readFileSync(MERMAID_BUNDLE, 'utf8').slice(-200)).toContain('globalThis["mermaid"]');
  });
});
