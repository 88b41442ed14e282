import { stat } from 'node:fs/promises';
import * as core from '@actions/core';
import { maskSecrets } from './secrets.js';

/**
 * GitHub refuses a step summary over 1 MiB and shows nothing of it. The default budget keeps about
 * 120 KiB of that for whatever else the step appends after us (the failure wrapper, other tools
 * using core.summary); write() also subtracts what is already in the file.
 */
export const STEP_SUMMARY_LIMIT_BYTES = 1024 * 1024;
export const DEFAULT_SUMMARY_BUDGET_BYTES = 900 * 1024;
/** Always room for the verdict (capped below) and the trimming note. */
export const MIN_SUMMARY_BUDGET_BYTES = 8 * 1024;
const MAX_VERDICT_CHARS = 1_000;

export type VerdictStatus = 'success' | 'failure' | 'warning' | 'neutral';

const VERDICT_ICONS: Record<VerdictStatus, string> = {
  success: '✅',
  failure: '❌',
  warning: '⚠️',
  neutral: 'ℹ️',
};

/** Held only by this module, so no other code can construct SafeHtml. */
const TRUSTED = Symbol('trusted markup');

/**
 * Markup made only by the `markup` helpers, which escape what they wrap. The private field makes
 * the type nominal, so a plain object can't pass for it, and only the type is exported.
 */
class SafeHtml {
  readonly #html: string;
  constructor(token: typeof TRUSTED, html: string) {
    if (token !== TRUSTED) throw new TypeError('SafeHtml is made by the markup helpers only');
    this.#html = html;
  }
  toString(): string {
    return this.#html;
  }
}
export type { SafeHtml };

const trust = (html: string): SafeHtml => new SafeHtml(TRUSTED, html);

/** Table cells, list items and paragraphs: plain text is escaped, SafeHtml is kept. */
export type Inline = string | number | SafeHtml;

export const markup = {
  code: (text: string): SafeHtml => trust(`<code>${escapeInline(text)}</code>`),
  strong: (text: string): SafeHtml => trust(`<strong>${escapeInline(text)}</strong>`),
  /** Only http(s) links; anything else (javascript:, data:) is shown as text. */
  link: (text: string, href: string): SafeHtml =>
    /^https?:\/\//i.test(href)
      ? trust(`<a href="${escapeHtml(href)}">${escapeInline(text)}</a>`)
      : trust(escapeInline(text)),
  join: (...parts: Inline[]): SafeHtml => trust(parts.map(inline).join('')),
};

/** Escapes the five characters that HTML gives meaning to, after masking registered secrets. */
export function escapeHtml(text: string): string {
  return maskSecrets(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Blocks are HTML that Markdown passes through untouched until a blank line ends them. A newline
 * in dynamic text could make that blank line and turn the rest into Markdown, so text never
 * carries one: it becomes <br> where a line break means something and a space elsewhere.
 */
function escapeInline(text: string): string {
  return escapeHtml(text).replace(/\r\n|\r|\n/g, '<br>');
}

function escapeOneLine(text: string): string {
  return escapeHtml(text).replace(/\s*(?:\r\n|\r|\n)\s*/g, ' ');
}

function inline(value: Inline): string {
  if (value instanceof SafeHtml) return value.toString();
  return escapeInline(String(value));
}

/**
 * The blocks a summary is made of. Each method adds one whole block, the unit that trimming drops,
 * so a trimmed summary never ends inside a tag.
 */
export class SummaryContent {
  protected readonly blocks: string[] = [];

  protected add(block: string): this {
    this.blocks.push(block);
    return this;
  }

  heading(text: string, level: 1 | 2 | 3 | 4 | 5 | 6 = 3): this {
    return this.add(`<h${level}>${escapeOneLine(text)}</h${level}>`);
  }

  paragraph(text: Inline): this {
    return this.add(`<p>${inline(text)}</p>`);
  }

  /** An HTML table, not a Markdown one: cells then need no pipe escaping and may hold line breaks. */
  table(headers: readonly Inline[], rows: readonly (readonly Inline[])[]): this {
    for (const [index, row] of rows.entries()) {
      if (row.length !== headers.length) {
        throw new Error(`table row ${index} has ${row.length} cells for ${headers.length} headers`);
      }
    }
    const head = `<tr>${headers.map((cell) => `<th>${inline(cell)}</th>`).join('')}</tr>`;
    const body = rows
      .map((row) => `<tr>${row.map((cell) => `<td>${inline(cell)}</td>`).join('')}</tr>`)
      .join('');
    return this.add(`<table><thead>${head}</thead><tbody>${body}</tbody></table>`);
  }

  list(items: readonly Inline[]): this {
    if (items.length === 0) return this;
    return this.add(`<ul>${items.map((item) => `<li>${inline(item)}</li>`).join('')}</ul>`);
  }

  /** Collapsed content; `build` adds blocks to it like to the summary itself. */
  details(
    summaryText: string,
    build: (content: SummaryContent) => void,
    options: { open?: boolean } = {},
  ): this {
    const content = new SummaryContent();
    build(content);
    const open = options.open ? ' open' : '';
    // The blank lines let Markdown blocks (a mermaid fence) inside the details render too.
    return this.add(
      `<details${open}><summary>${escapeOneLine(summaryText)}</summary>\n\n` +
        `${content.blocks.join('\n\n')}\n\n</details>`,
    );
  }

  /** Preformatted text; `<pre>` keeps blank lines inside one HTML block, unlike other tags. */
  code(text: string, lang?: string): this {
    const language = lang?.replace(/[^\w+-]/g, '');
    const attribute = language ? ` lang="${language}"` : '';
    const body = escapeHtml(text.replace(/\r\n?/g, '\n'));
    return this.add(`<pre${attribute}><code>${body}</code></pre>`);
  }

  /**
   * A fenced mermaid diagram. The source is code, so it is not HTML-escaped; what is removed is
   * what could end the fence early (a run of three or more backticks, which mermaid never needs)
   * and control characters.
   */
  mermaid(source: string): this {
    const cleaned = maskSecrets(source)
      .replace(/\r\n?/g, '\n')
      .replace(/`{3,}/g, '`')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
      .replace(/^\n+|\n+$/g, '');
    return this.add(`\n\`\`\`mermaid\n${cleaned}\n\`\`\`\n`);
  }

  note(text: Inline): this {
    return this.add(`<blockquote><p>ℹ️ ${inline(text)}</p></blockquote>`);
  }
}

/**
 * A step's job summary: a verdict line first, then blocks, trimmed to a byte budget, written once.
 *
 *   const summary = new JobSummary();
 *   summary.verdict('success', 'Deployed app@sha256:… to staging');
 *   summary.table(['check', 'result'], rows);
 *   await summary.write();
 */
export class JobSummary extends SummaryContent {
  readonly budgetBytes: number;
  #hasVerdict = false;
  #written = false;

  constructor(options: { budgetBytes?: number } = {}) {
    super();
    this.budgetBytes = options.budgetBytes ?? DEFAULT_SUMMARY_BUDGET_BYTES;
    if (!(this.budgetBytes >= MIN_SUMMARY_BUDGET_BYTES)) {
      throw new RangeError(`budgetBytes must be at least ${MIN_SUMMARY_BUDGET_BYTES}`);
    }
  }

  /** The outcome and the number that matters, in one line; must come before anything else. */
  verdict(status: VerdictStatus, text: string): this {
    if (this.#hasVerdict) throw new Error('JobSummary.verdict() was already called');
    const chars = Array.from(text);
    const capped =
      chars.length > MAX_VERDICT_CHARS ? `${chars.slice(0, MAX_VERDICT_CHARS).join('')}…` : text;
    this.#hasVerdict = true;
    return super.add(`<h3>${VERDICT_ICONS[status]} ${escapeOneLine(capped)}</h3>`);
  }

  protected override add(block: string): this {
    if (!this.#hasVerdict) {
      throw new Error('JobSummary: call verdict() first; a summary opens with its outcome');
    }
    return super.add(block);
  }

  /** The summary as written: whole blocks from the end are left out to fit the budget. */
  render(budgetBytes = this.budgetBytes): string {
    if (!this.#hasVerdict) throw new Error('JobSummary.render() needs a verdict() first');
    return fitBlocks(
      this.blocks,
      Math.max(budgetBytes, MIN_SUMMARY_BUDGET_BYTES),
      this.budgetBytes,
    );
  }

  /** Appends the summary to the step's summary file; a second call throws. */
  async write(): Promise<void> {
    if (this.#written)
      throw new Error('JobSummary.write() was already called; a step summary is written once');
    this.#written = true;
    const room = STEP_SUMMARY_LIMIT_BYTES - (await summaryFileBytes());
    await core.summary.addRaw(this.render(Math.min(this.budgetBytes, room))).write();
    stepSummaryWritten = true;
  }
}

let stepSummaryWritten = false;

/** Whether a JobSummary was written in this step (runMain writes a failure summary when not). */
export function jobSummaryWritten(): boolean {
  return stepSummaryWritten;
}

/** Forgets that a summary was written: for runMain at the start of a step, and for tests. */
export function resetJobSummaryWritten(): void {
  stepSummaryWritten = false;
}

async function summaryFileBytes(): Promise<number> {
  const path = process.env.GITHUB_STEP_SUMMARY;
  if (!path) return 0;
  try {
    return (await stat(path)).size;
  } catch {
    return 0; // core.summary reports a missing file with its own message
  }
}

const SEPARATOR = '\n\n';

function fitBlocks(blocks: readonly string[], budgetBytes: number, statedBudget: number): string {
  const sizes = blocks.map((block) => Buffer.byteLength(block));
  const sep = Buffer.byteLength(SEPARATOR);
  const total = (count: number) =>
    sizes.slice(0, count).reduce((sum, size) => sum + size, 0) + sep * Math.max(0, count - 1) + 1;
  if (total(blocks.length) <= budgetBytes) return `${blocks.join(SEPARATOR)}\n`;

  // The verdict (block 0) always stays; MIN_SUMMARY_BUDGET_BYTES guarantees it fits with the note.
  for (let kept = blocks.length - 1; kept >= 1; kept--) {
    const droppedBytes = total(blocks.length) - total(kept);
    const note = trimmingNote(
      blocks.length - kept,
      droppedBytes,
      Math.min(budgetBytes, statedBudget),
    );
    if (total(kept) + sep + Buffer.byteLength(note) <= budgetBytes) {
      return `${blocks.slice(0, kept).join(SEPARATOR)}${SEPARATOR}${note}\n`;
    }
  }
  throw new Error('unreachable: the verdict and the trimming note always fit the minimum budget');
}

function trimmingNote(droppedBlocks: number, droppedBytes: number, budgetBytes: number): string {
  const what = droppedBlocks === 1 ? 'block was' : `${droppedBlocks} blocks were`;
  return (
    `<blockquote><p>✂️ This summary was trimmed: the last ${what} left out ` +
    `(${formatKiB(droppedBytes)}) to stay within ${formatKiB(budgetBytes)}, ` +
    `under GitHub's 1 MiB limit per step.</p></blockquote>`
  );
}

function formatKiB(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
