import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));
/** Each bench file writes its part here; the global teardown merges them into latest.*. */
const PARTS = join(RESULTS, '.parts');

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** What the figure is compared with, for the table: another figure's name or a sentence. */
  comparedWith: string;
  /** Shown in its bench's own section rather than in the main table (still in latest.json). */
  detail?: boolean;
}

export interface BenchPart {
  bench: string;
  figures: Figure[];
  /** Extra markdown sections (e.g. a table of effects), printed after the main table. */
  sections?: string[];
}

export async function writePart(part: BenchPart): Promise<void> {
  await mkdir(PARTS, { recursive: true });
  await writeFile(join(PARTS, `${part.bench}.json`), `${JSON.stringify(part, null, 2)}\n`);
  for (const figure of part.figures) {
    console.log(`${figure.name} = ${figure.value} ${figure.unit}`);
  }
}

export async function clearParts(): Promise<void> {
  await rm(PARTS, { recursive: true, force: true });
}

/** Merges every part into latest.json (name → {value, unit}) and latest.md (the table). */
export async function mergeParts(): Promise<void> {
  const files = (await readdir(PARTS).catch(() => [])).filter((file) => file.endsWith('.json'));
  const parts: BenchPart[] = [];
  for (const file of files.sort()) {
    parts.push(JSON.parse(await readFile(join(PARTS, file), 'utf8')) as BenchPart);
  }
  if (parts.length === 0) return;
  const figures = parts.flatMap((part) => part.figures);
  const json = Object.fromEntries(figures.map((f) => [f.name, { value: f.value, unit: f.unit }]));
  await writeFile(join(RESULTS, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
  await writeFile(join(RESULTS, 'latest.md'), markdown(parts));
  await clearParts();
}

function markdown(parts: BenchPart[]): string {
  const lines = [
    '# Benchmark results',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ` +
      `${process.platform} ${process.arch}, by \`npm run bench\`. How each figure is made: ` +
      '[bench/README.md](../README.md).',
    '',
    '| figure | value | unit | compared with |',
    '|---|---:|---|---|',
  ];
  for (const part of parts) {
    for (const f of part.figures.filter((figure) => !figure.detail)) {
      lines.push(`| \`${f.name}\` | ${formatValue(f.value)} | ${f.unit} | ${f.comparedWith} |`);
    }
  }
  for (const section of parts.flatMap((part) => part.sections ?? [])) lines.push('', section);
  return `${lines.join('\n')}\n`;
}

export function formatValue(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Math.abs(value) >= 100 ? value.toFixed(0) : String(Number(value.toPrecision(3)));
}
