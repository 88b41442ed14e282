import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadWorkflowParser, readActionMetadata } from '../../../tools/action-metadata.js';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } =
  await loadWorkflowParser();

/** Workflow files under a folder, at any depth. */
function findWorkflowFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => path.join(dir, file))
    .sort();
}

/** Errors GitHub's workflow parser reports for the text, with line and column. */
async function schemaProblems(name: string, content: string): Promise<string[]> {
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  // Conversion finds what the schema cannot, such as a job graph with no starting job.
  if (result.value) await convertWorkflowTemplate(result.context, result.value);
  return result.context.errors.getErrors().map((error) => error.message);
}

type Step = { name?: string; uses?: string; run?: string; with?: Record<string, unknown> };
type Job = { uses?: string; steps?: Step[] };

function jobsOf(content: string): [string, Job][] {
  const workflow = parse(content) as { jobs?: Record<string, Job> } | null;
  return Object.entries(workflow?.jobs ?? {});
}

/**
 * `${{ }}` inside `run:` is pasted into the script before the shell sees it, so a branch or
 * tag name can become code; values must arrive through `env:` instead.
 */
function scriptInjectionProblems(content: string): string[] {
  return jobsOf(content).flatMap(([jobId, job]) =>
    (job.steps ?? []).flatMap((step, index) =>
      typeof step.run === 'string' && step.run.includes('${{')
        ? [
            `job ${jobId}, step ${step.name ?? index + 1}: run: contains \${{ }}; pass the value through env: and use "$VAR"`,
          ]
        : [],
    ),
  );
}

/** Third-party actions must be pinned to a full commit SHA: a tag can be moved. */
function unpinnedActionProblems(content: string): string[] {
  const uses = jobsOf(content).flatMap(([jobId, job]) => [
    ...(job.uses ? [{ jobId, ref: job.uses }] : []),
    ...(job.steps ?? []).flatMap((step) => (step.uses ? [{ jobId, ref: step.uses }] : [])),
  ]);
  return uses
    .filter(({ ref }) => !ref.startsWith('./') && !/^[^@\s]+@[0-9a-f]{40}$/.test(ref))
    .map(({ jobId, ref }) => `job ${jobId}: ${ref} is not pinned to a full commit SHA`);
}

/** The folder under actions/ that a `uses:` names: ./actions/<name> or <owner>/slipway/actions/<name>@<ref>. */
function slipwayActionOf(uses: string): string | undefined {
  return /^(?:\.\/|[^/\s]+\/slipway\/)actions\/([^/@\s]+)(?:@\S+)?$/.exec(uses)?.[1];
}

/**
 * The runner ignores an input the action does not declare with only a warning, so a misspelt
 * threshold would silently not gate; a missing required input fails only at run time.
 */
function actionInputProblems(content: string): string[] {
  return jobsOf(content).flatMap(([jobId, job]) =>
    (job.steps ?? []).flatMap((step, index) => {
      const action = step.uses ? slipwayActionOf(step.uses) : undefined;
      if (action === undefined) return [];
      const where = `job ${jobId}, step ${step.name ?? index + 1}`;
      const actionDir = path.join(repoRoot, 'actions', action);
      if (!existsSync(path.join(actionDir, 'action.yml'))) {
        return [`${where}: ${step.uses} names no action under actions/`];
      }
      const { inputs } = readActionMetadata(actionDir);
      const declared = new Set(inputs.map((input) => input.name));
      const given = Object.keys(step.with ?? {});
      return [
        ...given
          .filter((name) => !declared.has(name))
          .map((name) => `${where}: ${action} has no input '${name}'`),
        ...inputs
          .filter((input) => input.required && input.default === undefined)
          .filter((input) => !given.includes(input.name))
          .map((input) => `${where}: ${action} requires the input '${input.name}'`),
      ];
    }),
  );
}

function missingPermissionsProblems(content: string): string[] {
  const workflow = parse(content) as Record<string, unknown> | null;
  return workflow && 'permissions' in workflow
    ? []
    : [
        'no top-level permissions: the token would get the repository default; start from contents: read',
      ];
}

describe('the repository workflows', () => {
  const ownWorkflows = findWorkflowFiles(path.join(repoRoot, '.github', 'workflows'));
  const examples = findWorkflowFiles(path.join(repoRoot, 'examples'));
  const rows = (files: string[]) =>
    files.map((file) => [path.relative(repoRoot, file), readFileSync(file, 'utf8')]);

  it('include ci.yml and release.yml', () => {
    expect(ownWorkflows.map((file) => path.basename(file))).toEqual(
      expect.arrayContaining(['ci.yml', 'release.yml']),
    );
  });

  it.each(rows([...ownWorkflows, ...examples]))(
    '%s is a valid workflow that keeps untrusted values out of scripts',
    async (file, content) => {
      expect([
        ...(await schemaProblems(file, content)),
        ...scriptInjectionProblems(content),
      ]).toEqual([]);
    },
  );

  it.each(rows([...ownWorkflows, ...examples]))(
    '%s gives Slipway actions only the inputs their action.yml declares',
    (_, content) => {
      expect(actionInputProblems(content)).toEqual([]);
    },
  );

  it('include the whole pipeline: pr.yml, main.yml and release.yml', () => {
    expect(examples.map((file) => path.basename(file))).toEqual(
      expect.arrayContaining(['pr.yml', 'main.yml', 'release.yml']),
    );
  });

  it.each(rows(ownWorkflows))(
    '%s pins third-party actions and declares permissions',
    (_, content) => {
      expect([...unpinnedActionProblems(content), ...missingPermissionsProblems(content)]).toEqual(
        [],
      );
    },
  );
});

describe('a broken workflow', () => {
  const job = 'jobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n';

  it.each([
    ['no trigger', job, 'broken.yml (Line: 1, Col: 1): Required property is missing: on'],
    [
      'a job without runs-on',
      'on: push\njobs:\n  build:\n    steps:\n      - run: npm test\n',
      'broken.yml (Line: 4, Col: 5): Required property is missing: runs-on',
    ],
    [
      'an unknown top-level key',
      `on: push\nenviron: {}\n${job}`,
      "broken.yml (Line: 2, Col: 1): Unexpected value 'environ'",
    ],
    [
      'a job that needs a job that does not exist',
      'on: push\njobs:\n  build:\n    needs: setup\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n',
      'broken.yml (Line: 3, Col: 3): The workflow must contain at least one job with no dependencies.',
    ],
    [
      'an invalid cron schedule',
      `on:\n  schedule:\n    - cron: '61 * * * *'\n${job}`,
      "broken.yml (Line: 3, Col: 13): Invalid cron expression. Expected format: '* * * * *' (minute hour day month weekday)",
    ],
    [
      'an unknown permission level',
      `on: push\npermissions:\n  contents: admin\n${job}`,
      "broken.yml (Line: 3, Col: 13): Unexpected value 'admin'",
    ],
    [
      'a step with both run and uses',
      'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n        uses: ./actions/image\n',
      "broken.yml (Line: 7, Col: 9): Unexpected value 'uses'",
    ],
  ])('is reported: %s', async (_, content, problem) => {
    expect(await schemaProblems('broken.yml', content)).toContain(problem);
  });

  it('is reported when it is not YAML', async () => {
    expect(await schemaProblems('broken.yml', 'on: push\njobs: [\n')).toEqual([
      expect.stringMatching(/^broken\.yml: Flow sequence in block collection/),
    ]);
  });

  it.each([
    ['the tag name', 'run: git tag "${{ github.ref_name }}"'],
    ['a pull request title', 'run: echo "${{ github.event.pull_request.title }}"'],
    [
      'a step output',
      'run: |\n          echo start\n          deploy ${{ steps.image.outputs.digest }}',
    ],
  ])('is reported when a run: script interpolates %s', (_, step) => {
    const content = `on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - name: Tag\n        ${step}\n`;
    expect(scriptInjectionProblems(content)).toEqual([
      'job release, step Tag: run: contains ${{ }}; pass the value through env: and use "$VAR"',
    ]);
  });

  it('is not reported when the value arrives through env:', () => {
    const content =
      'on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n      - env:\n          TAG: ${{ github.ref_name }}\n        run: git tag "$TAG"\n';
    expect(scriptInjectionProblems(content)).toEqual([]);
  });

  it.each([
    ['actions/checkout@v7', ['job build: actions/checkout@v7 is not pinned to a full commit SHA']],
    [
      'actions/checkout@9c091bb',
      ['job build: actions/checkout@9c091bb is not pinned to a full commit SHA'],
    ],
    ['actions/checkout@9c091bb21b7c1c1d1991bb908d89e4e9dddfe3e0', []],
    ['./actions/image', []],
  ])('pinning: uses %s', (ref, problems) => {
    const content = `on: push\npermissions: {}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${ref}\n`;
    expect(unpinnedActionProblems(content)).toEqual(problems);
  });

  it.each([
    [
      'an input the action does not declare',
      'your-org/slipway/actions/coverage@v1',
      'min-totl: 80',
      ["job build, step 1: coverage has no input 'min-totl'"],
    ],
    [
      'a required input left out',
      './actions/canary',
      'mode: start',
      ["job build, step 1: canary requires the input 'deployment'"],
    ],
    [
      'an action that does not exist',
      './actions/deploy',
      'image: web:1',
      ['job build, step 1: ./actions/deploy names no action under actions/'],
    ],
    ['declared inputs only', './actions/coverage', 'min-total: 80', []],
    ['another repository', 'other-org/tools/actions/coverage@v1', 'anything: 1', []],
  ])('inputs: %s', (_, uses, input, problems) => {
    const content = `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${uses}\n        with:\n          ${input}\n`;
    expect(actionInputProblems(content)).toEqual(problems);
  });

  it('is reported when it declares no top-level permissions', () => {
    expect(missingPermissionsProblems(`on: push\n${job}`)).toHaveLength(1);
  });
});
