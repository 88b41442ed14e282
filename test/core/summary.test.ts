import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { forgetSecretsForTesting, registerSecret } from '../../src/core/secrets.js';
import {
  JobSummary,
  markup,
  MIN_SUMMARY_BUDGET_BYTES,
  STEP_SUMMARY_LIMIT_BYTES,
  type SummaryContent,
  type VerdictStatus,
} from '../../src/core/summary.js';

function withVerdict(build: (summary: JobSummary) => void): string {
  const summary = new JobSummary().verdict('success', 'ok');
  build(summary);
  return summary.render();
}

/** Every tag we open is closed in order; dynamic text is escaped, so any `<` is ours. */
function tagsBalance(html: string): boolean {
  const withoutFences = html.replace(/```mermaid\n[\s\S]*?\n```/g, '');
  const stack: string[] = [];
  for (const [, closing, name] of withoutFences.matchAll(/<(\/?)([a-z][a-z0-9]*)[^>]*>/g)) {
    if (name === 'br') continue;
    if (!closing) stack.push(name);
    else if (stack.pop() !== name) return false;
  }
  return stack.length === 0;
}

describe('escaping', () => {
  it.each<[string, (s: SummaryContent) => void, string]>([
    [
      'a script tag in a paragraph',
      (s) => s.paragraph('<script>alert(1)</script>'),
      '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>',
    ],
    [
      'pipes in a table cell stay in that cell',
      (s) => s.table(['a', 'b'], [['x | y', 'z']]),
      '<tr><td>x | y</td><td>z</td></tr>',
    ],
    [
      'quotes in a table cell',
      (s) => s.table(['name'], [[`"it's"`]]),
      '<td>&quot;it&#39;s&quot;</td>',
    ],
    [
      'markup in a table header',
      (s) => s.table(['<th>'], []),
      '<thead><tr><th>&lt;th&gt;</th></tr></thead><tbody></tbody>',
    ],
    [
      'HTML in a details summary',
      (s) => s.details('<b>bold</b> & more', (d) => d.paragraph('inside')),
      '<details><summary>&lt;b&gt;bold&lt;/b&gt; &amp; more</summary>\n\n<p>inside</p>\n\n</details>',
    ],
    [
      'a blank line in a cell cannot end the HTML block',
      (s) => s.table(['log'], [['line 1\n\n# not a heading\r\n| a | b |']]),
      '<td>line 1<br><br># not a heading<br>| a | b |</td>',
    ],
    [
      'a newline in a heading becomes a space',
      (s) => s.heading('R&D\n  report', 2),
      '<h2>R&amp;D report</h2>',
    ],
    [
      'an event handler in a list item',
      (s) => s.list(['<img src=x onerror=alert(1)>', 3]),
      '<ul><li>&lt;img src=x onerror=alert(1)&gt;</li><li>3</li></ul>',
    ],
    [
      'a code block that tries to close its <pre>',
      (s) => s.code('a </pre><script>x</script>\r\n\r\nb', 'sh; rm'),
      '<pre lang="shrm"><code>a &lt;/pre&gt;&lt;script&gt;x&lt;/script&gt;\n\nb</code></pre>',
    ],
    [
      'a note',
      (s) => s.note('Coverage < 80% for "src"'),
      '<blockquote><p>ℹ️ Coverage &lt; 80% for &quot;src&quot;</p></blockquote>',
    ],
    [
      'markup helpers escape what they wrap',
      (s) => s.table(['image'], [[markup.join(markup.code('a<b'), ' ', markup.strong('&'))]]),
      '<td><code>a&lt;b</code> <strong>&amp;</strong></td>',
    ],
    [
      'an http link keeps its escaped href',
      (s) => s.paragraph(markup.link('run "1"', 'https://x.example/?a=1&b="2"')),
      '<p><a href="https://x.example/?a=1&amp;b=&quot;2&quot;">run &quot;1&quot;</a></p>',
    ],
    [
      'an object posing as markup is escaped like text',
      (s) => s.paragraph({ toString: () => '<b>forged</b>' } as unknown as string),
      '<p>&lt;b&gt;forged&lt;/b&gt;</p>',
    ],
    [
      'a javascript: link is shown as text only',
      (s) => s.paragraph(markup.link('click', 'javascript:alert(1)')),
      '<p>click</p>',
    ],
  ])('%s', (_name, build, expected) => {
    const rendered = withVerdict(build);
    expect(rendered).toContain(expected);
    expect(tagsBalance(rendered)).toBe(true);
  });

  it('masks registered secrets in every dynamic string', () => {
    registerSecret('tok_4e5f6a7b8c');
    try {
      const rendered = withVerdict((s) => {
        s.table(['token'], [['tok_4e5f6a7b8c']]);
        s.code('export TOKEN=tok_4e5f6a7b8c');
        s.mermaid('graph LR\n  A["tok_4e5f6a7b8c"] --> B');
      });
      expect(rendered).not.toContain('tok_4e5f6a7b8c');
      expect(rendered.match(/\*\*\*/g)).toHaveLength(3);
    } finally {
      forgetSecretsForTesting();
    }
  });

  it('rejects a table row whose cell count does not match the headers', () => {
    expect(() => withVerdict((s) => s.table(['a', 'b'], [['only one']]))).toThrow(
      'table row 0 has 1 cells for 2 headers',
    );
  });
});

describe('verdict', () => {
  it.each<[VerdictStatus, string]>([
    ['success', '<h3>✅ 42 checks passed</h3>'],
    ['failure', '<h3>❌ 42 checks passed</h3>'],
    ['warning', '<h3>⚠️ 42 checks passed</h3>'],
    ['neutral', '<h3>ℹ️ 42 checks passed</h3>'],
  ])('%s opens the summary', (status, expected) => {
    const rendered = new JobSummary()
      .verdict(status, '42 checks passed')
      .paragraph('more')
      .render();
    expect(rendered.startsWith(expected)).toBe(true);
  });

  it.each<[string, (s: JobSummary) => void]>([
    ['a paragraph', (s) => s.paragraph('too early')],
    ['a table', (s) => s.table(['a'], [])],
    ['details', (s) => s.details('x', () => undefined)],
    ['a mermaid diagram', (s) => s.mermaid('graph LR')],
  ])('refuses %s before the verdict', (_name, add) => {
    expect(() => add(new JobSummary())).toThrow('call verdict() first');
  });

  it('refuses a second verdict and rendering without one', () => {
    const summary = new JobSummary().verdict('success', 'ok');
    expect(() => summary.verdict('failure', 'no')).toThrow('already called');
    expect(() => new JobSummary().render()).toThrow('needs a verdict()');
  });

  it('keeps a very long verdict to one capped line', () => {
    const rendered = new JobSummary()
      .verdict('failure', `${'x'.repeat(5_000)}\nsecond line`)
      .render();
    expect(rendered).toBe(`<h3>❌ ${'x'.repeat(1_000)}…</h3>\n`);
  });
});

describe('mermaid', () => {
  it('is a fenced block with blank lines around it', () => {
    const rendered = withVerdict((s) => {
      s.paragraph('before');
      s.mermaid('graph LR\r\n  A[stable] --> B[canary]\n');
      s.paragraph('after');
    });
    expect(rendered).toContain(
      '<p>before</p>\n\n\n```mermaid\ngraph LR\n  A[stable] --> B[canary]\n```\n\n\n<p>after</p>',
    );
  });

  it('cannot be closed early by backticks in the source', () => {
    const rendered = withVerdict((s) => s.mermaid('graph LR\n```\nA["`**md**`"] --> B\n````js'));
    const fence = rendered.slice(rendered.indexOf('```mermaid'));
    expect(fence).toBe('```mermaid\ngraph LR\n`\nA["`**md**`"] --> B\n`js\n```\n\n');
  });

  it('renders inside details with the blank lines Markdown needs there', () => {
    const rendered = withVerdict((s) => s.details('Traffic steps', (d) => d.mermaid('graph LR')));
    expect(rendered).toContain(
      '<details><summary>Traffic steps</summary>\n\n\n```mermaid\ngraph LR\n```\n\n\n</details>',
    );
  });
});

describe('budget', () => {
  it('leaves a summary that fits untouched', () => {
    const rendered = withVerdict((s) => s.paragraph('short'));
    expect(rendered).toBe('<h3>✅ ok</h3>\n\n<p>short</p>\n');
  });

  it('drops whole blocks from the end, keeps the verdict and says what was trimmed', () => {
    const budgetBytes = MIN_SUMMARY_BUDGET_BYTES;
    const summary = new JobSummary({ budgetBytes }).verdict('warning', 'trimmed run');
    for (let i = 0; i < 20; i++) summary.paragraph(`${i}:${'x'.repeat(1_000)}`);
    const rendered = summary.render();

    expect(Buffer.byteLength(rendered)).toBeLessThanOrEqual(budgetBytes);
    expect(rendered.startsWith('<h3>⚠️ trimmed run</h3>')).toBe(true);
    const kept = rendered.match(/<p>\d+:x+<\/p>/g) ?? [];
    expect(kept.map((p) => p.slice(3, p.indexOf(':')))).toEqual(kept.map((_p, i) => String(i)));
    expect(rendered).toContain(
      `the last ${20 - kept.length} blocks were left out (${(((20 - kept.length) * 1_009) / 1024).toFixed(1)} KiB) to stay within 8.0 KiB`,
    );
    // As many blocks as fit were kept: one more would have passed the budget.
    expect(Buffer.byteLength(rendered) + 1_009).toBeGreaterThan(budgetBytes);
    expect(tagsBalance(rendered)).toBe(true);
  });

  it('drops a huge details block whole rather than cutting into it', () => {
    const summary = new JobSummary({ budgetBytes: 10_000 }).verdict('failure', 'x');
    summary.table(['k'], [['v']]);
    summary.details('Full log', (d) => d.code('log line\n'.repeat(5_000)));
    const rendered = summary.render();
    expect(rendered).toContain('<table>');
    expect(rendered).not.toContain('<details');
    expect(rendered).toContain('the last block was left out');
  });

  it('refuses a budget too small for the verdict and the note', () => {
    expect(() => new JobSummary({ budgetBytes: 100 })).toThrow(RangeError);
  });

  it('property: output never exceeds the budget, opens with the verdict and closes every tag', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 3_000, size: 'large' });
    // Many small blocks leave little slack at the cut, where forgetting the note would overflow.
    const shortText = fc.string({ unit: 'grapheme', maxLength: 200, size: 'large' });
    const block = fc.oneof(
      shortText.map((t) => (s: SummaryContent) => s.paragraph(t)),
      text.map((t) => (s: SummaryContent) => s.paragraph(t)),
      text.map((t) => (s: SummaryContent) => s.heading(t)),
      fc
        .array(fc.array(text, { minLength: 2, maxLength: 2 }), { maxLength: 20 })
        .map((rows) => (s: SummaryContent) => s.table(['a', 'b'], rows)),
      fc.array(text, { maxLength: 10 }).map((items) => (s: SummaryContent) => s.list(items)),
      fc.tuple(text, text).map(
        ([title, body]) =>
          (s: SummaryContent) =>
            s.details(title, (d) => d.code(body).note(title)),
      ),
      text.map((t) => (s: SummaryContent) => s.mermaid(t)),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: MIN_SUMMARY_BUDGET_BYTES, max: 24 * 1024 }),
        text,
        fc.array(block, { maxLength: 120, size: 'large' }),
        (budgetBytes, verdictText, blocks) => {
          const summary = new JobSummary({ budgetBytes }).verdict('neutral', verdictText);
          for (const add of blocks) add(summary);
          const rendered = summary.render();
          expect(Buffer.byteLength(rendered)).toBeLessThanOrEqual(budgetBytes);
          expect(rendered.startsWith('<h3>ℹ️ ')).toBe(true);
          expect(tagsBalance(rendered)).toBe(true);
        },
      ),
      // Shrinking a failing case of this size takes minutes; the first counterexample is enough.
      { numRuns: 200, endOnFailure: true },
    );
  });
});

describe('write', () => {
  // core.summary remembers the first path it writes to, so this file uses one path throughout.
  let dir: string;
  let path: string;
  const savedPath = process.env.GITHUB_STEP_SUMMARY;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'summary-test-'));
    path = join(dir, 'step_summary');
    process.env.GITHUB_STEP_SUMMARY = path;
  });

  beforeEach(async () => {
    await writeFile(path, '');
  });

  afterAll(async () => {
    if (savedPath === undefined) delete process.env.GITHUB_STEP_SUMMARY;
    else process.env.GITHUB_STEP_SUMMARY = savedPath;
    await rm(dir, { recursive: true, force: true });
  });

  it('appends the rendered summary to the GITHUB_STEP_SUMMARY file once', async () => {
    const summary = new JobSummary().verdict('success', 'Deployed <app>').paragraph('done');
    await summary.write();
    expect(await readFile(path, 'utf8')).toBe(summary.render());
    await expect(summary.write()).rejects.toThrow('already called');
    expect(await readFile(path, 'utf8')).toBe(summary.render());
  });

  it('leaves what the step wrote before and fits into the room left under 1 MiB', async () => {
    const earlier = 'x'.repeat(STEP_SUMMARY_LIMIT_BYTES - 20 * 1024);
    await writeFile(path, earlier);
    const summary = new JobSummary().verdict('failure', 'big');
    for (let i = 0; i < 50; i++) summary.code('y'.repeat(2_000));
    await summary.write();

    const written = await readFile(path, 'utf8');
    expect(written.startsWith(earlier)).toBe(true);
    expect((await stat(path)).size).toBeLessThanOrEqual(STEP_SUMMARY_LIMIT_BYTES);
    expect(written).toContain('This summary was trimmed');
  });
});
