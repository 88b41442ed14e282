// @ts-check
/**
 * .demo/summary.html: every job summary rendered the way GitHub shows step summaries (GitHub-
 * flavoured markdown with inline HTML, <details> closed), one section per action. Each section's
 * heading band has a colour of its own, so that a screenshot shows which sections are there.
 */
import { Marked } from 'marked';

/** @type {Record<import('./scenarios.js').ActionName, string>} */
export const SECTION_COLOURS = {
  'quality-gate': '#0969da',
  coverage: '#8250df',
  image: '#bc4c00',
  rollout: '#1a7f37',
  canary: '#bf3989',
};

const OUTCOME_MARKS = {
  success: '✅ success',
  failure: '❌ failure',
  skipped: '⏭ skipped',
  cancelled: '⊘ cancelled',
};

/** @param {string} text */
export function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

// GitHub draws Mermaid blocks as diagrams; without a browser-side renderer the page shows the
// diagram's source, labelled as such.
const markdown = new Marked({ gfm: true }).use({
  renderer: {
    code({ text, lang }) {
      if (lang !== 'mermaid') return false;
      return `<figure class="mermaid"><figcaption>Mermaid diagram (drawn by GitHub; its source)</figcaption><pre>${escapeHtml(text)}</pre></figure>\n`;
    },
  },
});

/**
 * @param {{ scenario: import('./scenarios.js').Scenario, asExpected: boolean, durationSeconds: number, records: import('./pipeline.js').ActionRecord[] }} report
 */
export function renderSummaryPage({ scenario, asExpected, durationSeconds, records }) {
  const sections = records.map((record) => {
    const body =
      record.outcome === 'skipped'
        ? `<p class="skipped">Skipped: ${escapeHtml(record.skippedBecause ?? '')}</p>`
        : record.summaries
            .map((summary) => {
              // Actions that ran as two jobs (image: build, then promote) label each summary.
              const label =
                record.summaries.length > 1
                  ? `<h3 class="step">${escapeHtml(summary.step)}</h3>\n`
                  : '';
              return `${label}${markdown.parse(summary.markdown)}`;
            })
            .join('\n');
    return [
      `<section id="${record.action}">`,
      `<h2 style="background:${SECTION_COLOURS[record.action]}">${record.action}<span>${OUTCOME_MARKS[record.outcome]}</span></h2>`,
      `<div class="summary">${body}</div>`,
      '</section>',
    ].join('\n');
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Slipway demo: ${escapeHtml(scenario.name)}</title>
<style>
body { font: 14px/1.5 -apple-system, 'Segoe UI', 'Noto Sans', Helvetica, Arial, sans-serif; color: #1f2328; margin: 0 auto; max-width: 1012px; padding: 24px; }
header p { color: #59636e; margin: 4px 0 16px; }
section { border: 1px solid #d1d9e0; border-radius: 6px; margin: 0 0 16px; overflow: hidden; }
section h2 { color: #fff; font-size: 18px; margin: 0; padding: 12px 16px; display: flex; justify-content: space-between; }
.summary { padding: 8px 16px; }
h3.step { color: #59636e; font-size: 12px; font-weight: 600; text-transform: uppercase; margin: 16px 0 0; }
table { border-collapse: collapse; margin: 8px 0; display: block; width: max-content; max-width: 100%; overflow: auto; }
th, td { border: 1px solid #d1d9e0; padding: 4px 10px; }
th { background: #f6f8fa; }
pre, code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
pre { background: #f6f8fa; border-radius: 6px; padding: 12px; overflow: auto; }
figure.mermaid { margin: 8px 0; }
figure.mermaid figcaption { color: #59636e; font-size: 12px; }
details { margin: 8px 0; }
.skipped { color: #59636e; }
</style>
</head>
<body>
<header>
<h1>Slipway demo: ${escapeHtml(scenario.name)}</h1>
<p>${escapeHtml(scenario.story)} · ${asExpected ? 'the pipeline did what it should' : 'something behaved wrongly'} · ${durationSeconds.toFixed(1)} s</p>
</header>
${sections.join('\n')}
</body>
</html>
`;
}
