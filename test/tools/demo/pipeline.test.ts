import { describe, expect, it } from 'vitest';
import { judge, verdictOf, type ActionRecord } from '../../../tools/demo/pipeline.js';
import { SCENARIOS } from '../../../tools/demo/scenarios.js';
import { renderSummaryPage } from '../../../tools/demo/summary-page.js';

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

  it('renders markdown, shows Mermaid as its source and escapes what the demo adds', () => {
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
    expect(page).toContain('<pre>A--&#62;B</pre>');
    expect(page).toContain('quality-gate &#60;did not&#62; succeed');
    expect(page).toContain('12.3 s');
  });
});
