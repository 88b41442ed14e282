// @ts-check
/**
 * .demo/summary.html: every job summary rendered the way GitHub shows step summaries (GitHub-
 * flavoured markdown with inline HTML, <details> closed, Mermaid blocks drawn as diagrams), one
 * section per action. Each section's heading band has a colour of its own, so that a screenshot
 * shows which sections are there.
 *
 * The diagrams are drawn in the browser by mermaid from npm, whose browser bundle the demo copies
 * next to the page (MERMAID_SCRIPT): nothing is fetched from the network, and the page's
 * Content-Security-Policy forbids it. The charts' text comes from job summaries, which may carry
 * text a pull request controls, so mermaid runs with securityLevel 'strict'.
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Marked } from 'marked';

/** The file name the page loads mermaid from, relative to the page. */
export const MERMAID_SCRIPT = 'mermaid.min.js';

/** mermaid's browser bundle (an IIFE that sets globalThis.mermaid), as installed from npm. */
export const MERMAID_BUNDLE = fileURLToPath(import.meta.resolve('mermaid/dist/mermaid.min.js'));

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

// GitHub draws Mermaid blocks as diagrams. Each becomes an empty place for the diagram and its
// source in a <details>, open until the page's script has drawn the diagram: a reader without
// JavaScript (or without the bundle beside the page) still sees the source.
const markdown = new Marked({ gfm: true }).use({
  renderer: {
    code({ text, lang }) {
      if (lang !== 'mermaid') return false;
      return [
        '<figure class="mermaid-chart">',
        '<div class="mermaid-diagram"></div>',
        `<details open><summary>Mermaid source</summary><pre class="mermaid-source">${escapeHtml(text)}</pre></details>`,
        '</figure>\n',
      ].join('');
    },
  },
});

/**
 * Draws every Mermaid block; marks <body data-mermaid> with the outcome ("drawn N", or "failed N
 * of M", or "not loaded" when the bundle did not load), which the demo's test reads. A block that
 * cannot be drawn keeps its source open with mermaid's message above it.
 */
const DRAW_CHARTS = `(async () => {
  const figures = [...document.querySelectorAll('figure.mermaid-chart')];
  if (typeof mermaid === 'undefined') {
    document.body.dataset.mermaid = 'not loaded';
    return;
  }
  mermaid.initialize({
    startOnLoad: false,
    securityLevel: 'strict',
    theme: 'default',
    suppressErrorRendering: true,
  });
  let failed = 0;
  for (const [index, figure] of figures.entries()) {
    const source = figure.querySelector('.mermaid-source').textContent;
    try {
      const { svg } = await mermaid.render(\`mermaid-chart-\${index}\`, source);
      figure.querySelector('.mermaid-diagram').innerHTML = svg;
      figure.querySelector('details').open = false;
    } catch (error) {
      failed++;
      const message = document.createElement('p');
      message.className = 'mermaid-error';
      message.textContent = \`This diagram could not be drawn: \${error?.message ?? error}\`;
      figure.querySelector('.mermaid-diagram').replaceChildren(message);
    }
  }
  document.body.dataset.mermaid = failed
    ? \`failed \${failed} of \${figures.length}\`
    : \`drawn \${figures.length}\`;
})();`;

/**
 * Nothing from the network: scripts only from the page's own folder (the mermaid bundle) and the
 * inline script above, by its hash; inline styles, which mermaid's SVG carries; data: images and
 * fonts at most.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src 'self' 'sha256-${createHash('sha256').update(DRAW_CHARTS).digest('base64')}'`,
  "style-src 'unsafe-inline'",
  'img-src data:',
  'font-src data:',
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

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
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
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
figure.mermaid-chart { margin: 8px 0; }
figure.mermaid-chart details summary { color: #59636e; font-size: 12px; }
.mermaid-diagram svg { display: block; margin: 0 auto; }
.mermaid-error { color: #9a6700; }
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
<script src="${MERMAID_SCRIPT}"></script>
<script>${DRAW_CHARTS}</script>
</body>
</html>
`;
}
