import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../tools/actions.js';
import { SECTION_COLOURS } from '../../../tools/demo/summary-page.js';
import { PROMETHEUS_TOOL, processExists } from '../../support/canary-env.js';
import { KUBECTL } from '../../support/kube-sim.js';
import { REGISTRY_TOOL } from '../../support/registry.js';
import { describeWithTool, type RequiredTool } from '../../support/tools.js';

/**
 * `npm run demo` end to end: the demo's entry run as a child process, judged by its exit code,
 * its result.json, the page it renders (in headless Chromium, with its Mermaid charts drawn) and
 * the processes it leaves.
 */

const DEMO = join(REPO_ROOT, 'tools/demo/main.js');
const ACTIONS = ['quality-gate', 'coverage', 'image', 'rollout', 'canary'] as const;
const TOOLS: RequiredTool[] = [
  REGISTRY_TOOL,
  { program: 'buildah', debianPackage: 'buildah' },
  PROMETHEUS_TOOL,
  { program: KUBECTL, debianPackage: 'kubectl', versionArgs: ['version', '--client'] },
];
const CHROMIUM: RequiredTool = { program: 'chromium', debianPackage: 'chromium' };
const DEMO_TIMEOUT_MS = 240_000;

interface DemoResult {
  scenario: string;
  asExpected: boolean;
  problems: string[];
  durationSeconds: number;
  actions: Record<string, { outcome: string } & Record<string, unknown>>;
}

interface DemoRun {
  exitCode: number | null;
  output: string;
  out: string;
  result: DemoResult;
}

const outDirs: string[] = [];

async function runDemo(scenario: string): Promise<DemoRun> {
  const out = await mkdtemp(join(tmpdir(), `slipway-demo-${scenario}-`));
  outDirs.push(out);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [DEMO, '--scenario', scenario, '--out', out],
      { cwd: REPO_ROOT, timeout: DEMO_TIMEOUT_MS },
      (error, stdout, stderr) => {
        const output = stdout + stderr;
        const resultFile = join(out, 'result.json');
        if (!existsSync(resultFile)) {
          reject(new Error(`the demo wrote no result.json:\n${output}`));
          return;
        }
        const exitCode = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ exitCode, output, out, result: JSON.parse(readFileSync(resultFile, 'utf8')) });
      },
    );
  });
}

/** Every living descendant of a process, from /proc/<pid>/task/<tid>/children (Linux). */
function descendants(pid: number): number[] {
  const read = (path: string): string[] => {
    try {
      return readFileSync(path, 'utf8').split(' ').filter(Boolean);
    } catch {
      return []; // the process ended while we looked
    }
  };
  const tasks = existsSync(`/proc/${pid}/task`) ? readdirSync(`/proc/${pid}/task`) : [];
  const children = tasks.flatMap((task) => read(`/proc/${pid}/task/${task}/children`));
  return children.map(Number).flatMap((child) => [child, ...descendants(child)]);
}

function describeWithTools(tools: RequiredTool[], name: string, body: () => void): void {
  const [first, ...rest] = tools;
  if (!first) body();
  else describeWithTool(first, name, () => describeWithTools(rest, `with ${first.program}`, body));
}

describeWithTools(TOOLS, 'npm run demo', () => {
  let healthy: DemoRun;
  beforeAll(async () => {
    healthy = await runDemo('healthy');
  }, DEMO_TIMEOUT_MS);
  afterAll(async () => {
    await Promise.all(outDirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('healthy: all five actions succeed and the canary is promoted, in under 3 minutes', () => {
    expect(healthy.exitCode, healthy.output).toBe(0);
    const { result } = healthy;
    expect(result).toMatchObject({ scenario: 'healthy', asExpected: true, problems: [] });
    for (const action of ACTIONS) expect(result.actions[action]?.outcome).toBe('success');
    expect(result.actions.canary).toMatchObject({
      decision: 'promoted',
      detectionSeconds: null,
      leftoverObjects: 0,
      finalWeight: 100,
    });
    expect(result.actions.canary.durationSeconds).toBeGreaterThan(0);
    expect(result.durationSeconds).toBeLessThan(180);
    for (const action of ACTIONS) {
      expect(readFileSync(join(healthy.out, `${action}.md`), 'utf8')).toMatch(/^<h3>✅/m);
    }
    expect(healthy.output).toContain('the pipeline did what it should');
  });

  it(
    'bad-canary: aborted, stable unchanged, no canary object left, exit 0',
    async () => {
      const { exitCode, output, result } = await runDemo('bad-canary');
      expect(exitCode, output).toBe(0);
      expect(result).toMatchObject({ asExpected: true, problems: [] });
      for (const action of ACTIONS.slice(0, 4)) {
        expect(result.actions[action]?.outcome).toBe('success');
      }
      expect(result.actions.canary).toMatchObject({
        outcome: 'failure',
        decision: 'aborted',
        stableUnchanged: true,
        leftoverObjects: 0,
        finalWeight: 0,
      });
      expect(result.actions.canary.detectionSeconds).toBeGreaterThan(0);
      expect(result.actions.canary.verdict).toMatch(/Aborted at \d+%: .*5xx/);
    },
    DEMO_TIMEOUT_MS,
  );

  it(
    'stops every process it started when interrupted with SIGINT',
    async () => {
      const out = await mkdtemp(join(tmpdir(), 'slipway-demo-interrupted-'));
      outDirs.push(out);
      const demo = spawn(process.execPath, [DEMO, '--out', out], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      demo.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      demo.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      const exited = new Promise<number | null>((resolve) => demo.once('exit', resolve));
      // Interrupt during the rollout: registry, Prometheus, the services and kubectl all run.
      const deadline = Date.now() + DEMO_TIMEOUT_MS / 2;
      while (!output.includes('▶ rollout') && Date.now() < deadline && demo.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(output).toContain('▶ rollout');
      const started = descendants(demo.pid!);
      expect(started.length, output).toBeGreaterThanOrEqual(5);
      demo.kill('SIGINT');
      expect(await exited, output).toBe(130);
      expect(started.filter(processExists), output).toEqual([]);
      expect(existsSync(join(out, 'result.json'))).toBe(false);
    },
    DEMO_TIMEOUT_MS,
  );

  describeWithTool(CHROMIUM, 'the summary page in headless Chromium', () => {
    it("shows every action's section, in pipeline order, and the canary's charts drawn", async () => {
      const screenshot = join(healthy.out, 'summary.png');
      await chromium([
        '--hide-scrollbars',
        // Colours exactly as the page gives them, so that the bands can be found by colour.
        '--force-color-profile=srgb',
        '--window-size=1280,6000',
        `--screenshot=${screenshot}`,
        pageUrl(healthy.out),
      ]);
      const png = PNG.sync.read(await readFile(screenshot));
      const firstRows = ACTIONS.map((action) => bandTop(png, SECTION_COLOURS[action]));
      expect(firstRows.every((row) => row >= 0)).toBe(true);
      expect([...firstRows].sort((a, b) => a - b)).toEqual(firstRows);
      // The charts' lines, in the colours the canary's summary gives its tracks, below the
      // canary's band: drawn, not shown as source.
      const palette = /"plotColorPalette": "([^"]+)"/.exec(
        readFileSync(join(healthy.out, 'canary.md'), 'utf8'),
      )?.[1];
      expect(palette, 'the canary summary names its chart colours').toBeDefined();
      for (const colour of palette!.split(',').map((c) => c.trim())) {
        expect(countColour(png, colour, firstRows[4]), `pixels of ${colour}`).toBeGreaterThan(100);
      }
    }, 90_000);

    it('draws every Mermaid block as an SVG chart with the bundle beside the page', async () => {
      const html = readFileSync(join(healthy.out, 'summary.html'), 'utf8');
      // Nothing from the network: the renderer is the copy beside the page, and the policy
      // allows no remote source.
      expect(existsSync(join(healthy.out, 'mermaid.min.js'))).toBe(true);
      expect(html).toContain('<script src="mermaid.min.js"></script>');
      expect(html).toMatch(/http-equiv="Content-Security-Policy" content="default-src 'none'; /);
      expect(html).not.toMatch(/<script[^>]+src="(https?:)?\/\//);
      const fences = ACTIONS.map((action) =>
        readFileSync(join(healthy.out, `${action}.md`), 'utf8'),
      )
        .join('\n')
        .match(/^```mermaid$/gm);
      expect(fences?.length, 'the healthy canary writes its two charts').toBe(2);

      const dom = await chromium(['--dump-dom', pageUrl(healthy.out)]);
      expect(/<body data-mermaid="([^"]*)"/.exec(dom)?.[1]).toBe(`drawn ${fences!.length}`);
      const diagrams = dom.split('<div class="mermaid-diagram">').slice(1);
      expect(diagrams).toHaveLength(fences!.length);
      for (const diagram of diagrams) {
        expect(diagram).toMatch(/^<svg id="mermaid-chart-\d+"[^>]* aria-roledescription="xychart"/);
        expect(diagram).toMatch(/<g class="line-plot-0"><path d="M[\d.]+,[\d.]+L/);
        expect(diagram).toMatch(/<g class="line-plot-1"><path d="M[\d.]+,[\d.]+L/);
      }
      expect(dom).toContain('p95 latency per step (ms)');
      expect(dom).not.toContain('class="mermaid-error"');
    }, 90_000);

    it('says so and keeps the source open when the renderer does not load', async () => {
      const bare = await mkdtemp(join(tmpdir(), 'slipway-demo-no-mermaid-'));
      outDirs.push(bare);
      await copyFile(join(healthy.out, 'summary.html'), join(bare, 'summary.html'));
      const charts =
        readFileSync(join(bare, 'summary.html'), 'utf8').split('<figure class="mermaid-chart">')
          .length - 1;
      expect(charts).toBeGreaterThan(0);
      const dom = await chromium(['--dump-dom', pageUrl(bare)]);
      expect(/<body data-mermaid="([^"]*)"/.exec(dom)?.[1]).toBe('not loaded');
      expect(dom).not.toContain('<svg');
      expect(dom.match(/<details open="">\s*<summary>Mermaid source<\/summary>/g)).toHaveLength(
        charts,
      );
    }, 90_000);
  });
});

function pageUrl(out: string): string {
  return pathToFileURL(join(out, 'summary.html')).href;
}

/**
 * Headless Chromium on a page of the demo; its standard output (the DOM with --dump-dom). The
 * virtual time budget lets the page's scripts (mermaid drawing the charts) finish first.
 */
function chromium(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'chromium',
      ['--headless', '--no-sandbox', '--disable-gpu', '--virtual-time-budget=20000', ...args],
      { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout)),
    );
  });
}

/** How many pixels at or below the row have the colour (within a small tolerance). */
function countColour(png: PNG, colour: string, fromRow: number): number {
  const [red, green, blue] = [1, 3, 5].map((at) => parseInt(colour.slice(at, at + 2), 16));
  let count = 0;
  for (let y = Math.max(0, fromRow); y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const i = (y * png.width + x) * 4;
      if (
        Math.abs(png.data[i] - red) <= 8 &&
        Math.abs(png.data[i + 1] - green) <= 8 &&
        Math.abs(png.data[i + 2] - blue) <= 8
      ) {
        count++;
      }
    }
  }
  return count;
}

/**
 * The first row holding a run of at least 400 pixels of the colour: a section's heading band
 * (text and borders never make such a run). -1 when there is none.
 */
function bandTop(png: PNG, colour: string): number {
  const [red, green, blue] = [1, 3, 5].map((at) => parseInt(colour.slice(at, at + 2), 16));
  for (let y = 0; y < png.height; y++) {
    let run = 0;
    for (let x = 0; x < png.width; x++) {
      const i = (y * png.width + x) * 4;
      const same =
        Math.abs(png.data[i] - red) <= 2 &&
        Math.abs(png.data[i + 1] - green) <= 2 &&
        Math.abs(png.data[i + 2] - blue) <= 2;
      run = same ? run + 1 : 0;
      if (run >= 400) return y;
    }
  }
  return -1;
}
