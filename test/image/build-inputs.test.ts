import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ActionError } from '../../src/core/errors.js';
import { readBuildInputs, workflowRunUrl, type BuildInputs } from '../../src/image/build-inputs.js';
import { parseCsvList } from '../../src/image/builders/csv-list.js';
import { captureStdout } from '../support/capture-stdout.js';

// Inputs reach an action as INPUT_<NAME> variables; setting them drives the real core.getInput.
function setInputs(inputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(inputs)) {
    vi.stubEnv(`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, value);
  }
}

function read(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}): BuildInputs {
  setInputs(inputs);
  return readBuildInputs(env);
}

function failure(inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}): ActionError {
  try {
    read(inputs, env);
  } catch (error) {
    if (error instanceof ActionError) return error;
    throw error;
  }
  throw new Error('expected an ActionError');
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('build inputs', () => {
  it('has build-push-action’s defaults when nothing is set', () => {
    expect(read({})).toEqual({
      engine: 'docker',
      context: '.',
      file: undefined,
      target: undefined,
      platforms: [],
      buildArgs: new Map(),
      secrets: new Map(),
      secretFiles: new Map(),
      secretEnvs: new Map(),
      cacheFrom: [],
      cacheTo: [],
      provenance: undefined,
      sbom: undefined,
      attests: [],
      provenanceBuilderId: undefined,
      defaultAttestations: true,
      builder: undefined,
      load: false,
      outputs: [],
      noCache: false,
      noCacheFilters: [],
      pull: false,
      buildContexts: [],
      ssh: [],
      shmSize: undefined,
      ulimits: [],
      network: undefined,
      addHosts: [],
    });
  });

  it('reads every build-push-action input', () => {
    const inputs = read({
      builder: 'ci-builder',
      load: 'true',
      outputs: 'type=local,dest="out dir"',
      'no-cache': 'true',
      'no-cache-filters': 'test,lint',
      pull: 'true',
      'build-contexts': 'alpine=docker-image://alpine:3.20\nsrc=./src',
      ssh: 'default,github=/home/runner/.ssh/id',
      'secret-files': 'npmrc=/tmp/.npmrc\n"cert=/tmp/a b.pem"',
      'secret-envs': 'gh=GH_TOKEN,npm=NPM_TOKEN',
      'shm-size': '2g',
      ulimit: 'nofile=1024:1024\nnproc=512',
      network: 'host',
      'add-hosts': 'docker:10.180.0.1,db:10.0.0.2',
      attests: 'type=sbom,generator=image\ntype=provenance,mode=max',
      platforms: 'linux/amd64,linux/arm64\nlinux/arm/v7',
      'cache-from': 'type=gha',
      'cache-to': 'type=gha,mode=max',
    });
    expect(inputs).toMatchObject({
      builder: 'ci-builder',
      load: true,
      // build-push-action reads outputs with quotes as ordinary characters.
      outputs: ['type=local,dest="out dir"'],
      noCache: true,
      noCacheFilters: ['test', 'lint'],
      pull: true,
      buildContexts: ['alpine=docker-image://alpine:3.20', 'src=./src'],
      ssh: ['default', 'github=/home/runner/.ssh/id'],
      secretFiles: new Map([
        ['npmrc', '/tmp/.npmrc'],
        ['cert', '/tmp/a b.pem'],
      ]),
      secretEnvs: new Map([
        ['gh', 'GH_TOKEN'],
        ['npm', 'NPM_TOKEN'],
      ]),
      shmSize: '2g',
      ulimits: ['nofile=1024:1024', 'nproc=512'],
      network: 'host',
      addHosts: ['docker:10.180.0.1', 'db:10.0.0.2'],
      attests: ['type=sbom,generator=image', 'type=provenance,mode=max'],
      platforms: ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
      cacheFrom: ['type=gha'],
      cacheTo: ['type=gha,mode=max'],
    });
  });

  it('reads a multi-line secret in quotes, as build-push-action documents, and masks it', async () => {
    let result: BuildInputs | undefined;
    const { text } = await captureStdout(() => {
      result = read({
        secrets: [
          '"MYSECRET=line1',
          'line2"',
          '"github_token=ghs_0123456789abcdef"',
          'KEY="with ""quotes"" kept"',
          '"PEM=-----BEGIN-----',
          'abc',
          '',
          '"',
        ].join('\n'),
      });
    });
    expect(result?.secrets).toEqual(
      new Map([
        ['MYSECRET', 'line1\nline2'],
        ['github_token', 'ghs_0123456789abcdef'],
        // A quote inside an unquoted field is an ordinary character.
        ['KEY', '"with ""quotes"" kept"'],
        // Secret values keep their bytes, trailing line breaks too.
        ['PEM', '-----BEGIN-----\nabc\n\n'],
      ]),
    );
    expect(text).toContain('::add-mask::ghs_0123456789abcdef');
    expect(text).toContain('::add-mask::line1%0Aline2');
  });

  it('keeps commas in build-args values and lets a quoted field hold them', () => {
    expect(read({ 'build-args': 'A=1,2\n"B=x,""y"""\nC=' }).buildArgs).toEqual(
      new Map([
        ['A', '1,2'],
        ['B', 'x,"y"'],
        ['C', ''],
      ]),
    );
  });

  it('records the workflow run as the provenance builder-id', () => {
    const env = {
      GITHUB_SERVER_URL: 'https://github.example',
      GITHUB_REPOSITORY: 'octo-org/app',
      GITHUB_RUN_ID: '42',
      GITHUB_RUN_ATTEMPT: '2',
    };
    expect(read({}, env).provenanceBuilderId).toBe(
      'https://github.example/octo-org/app/actions/runs/42/attempts/2',
    );
    expect(workflowRunUrl({ GITHUB_REPOSITORY: 'o/a', GITHUB_RUN_ID: '7' })).toBe(
      'https://github.com/o/a/actions/runs/7/attempts/1',
    );
  });

  it.each<[string, boolean]>([
    ['1', false],
    ['true', false],
    ['0', true],
    ['false', true],
    ['', true],
  ])('BUILDX_NO_DEFAULT_ATTESTATIONS=%s: default provenance %s', (value, expected) => {
    expect(read({}, { BUILDX_NO_DEFAULT_ATTESTATIONS: value }).defaultAttestations).toBe(expected);
  });
});

describe('build input errors', () => {
  it.each<[string, Record<string, string>, NodeJS.ProcessEnv, string, string | undefined]>([
    [
      'builder: buildah, from before engine chose the program',
      { builder: 'buildah' },
      {},
      "Input 'builder' is 'buildah', but builder names a buildx builder instance now (docker buildx build --builder NAME); the engine input chooses docker or buildah.",
      'For example: engine: buildah',
    ],
    [
      'builder: docker',
      { builder: 'Docker' },
      {},
      "Input 'builder' is 'Docker', but builder names a buildx builder instance now (docker buildx build --builder NAME); the engine input chooses docker or buildah.",
      'For example: engine: docker',
    ],
    [
      'a buildx builder with engine: buildah',
      { builder: 'ci', engine: 'buildah' },
      {},
      "Input 'builder' names the buildx builder 'ci', which engine: buildah does not use; builder needs engine: docker with buildx.",
      'Remove builder, or use engine: docker.',
    ],
    [
      "metadata-action's context: git",
      { context: 'git' },
      {},
      "Input 'context' is 'git', which is docker/metadata-action's context input. Here context is the build context (a directory or a Git URL); metadata-action's context is the input metadata-context.",
      'For example: metadata-context: git',
    ],
    [
      "metadata-action's context: workflow",
      { context: 'workflow' },
      {},
      "Input 'context' is 'workflow', which is docker/metadata-action's context input. Here context is the build context (a directory or a Git URL); metadata-action's context is the input metadata-context.",
      'For example: metadata-context: workflow',
    ],
    [
      'no-cache-filters with engine: buildah',
      { engine: 'buildah', 'no-cache-filters': 'test' },
      {},
      "Input 'no-cache-filters' (test) needs engine: docker with buildx; buildah has no such option.",
      'Use no-cache: true to rebuild every stage with buildah, or engine: docker.',
    ],
    [
      'attests with engine: buildah',
      { engine: 'buildah', attests: 'type=sbom' },
      {},
      'buildah cannot attach attestations, but the inputs ask for attests (type=sbom).',
      "Use engine: docker with buildx for attestations, or set them to 'false' for buildah.",
    ],
    [
      'an image exporter with engine: buildah',
      { engine: 'buildah', outputs: 'type=docker' },
      {},
      "Input 'outputs' asks for type=docker, but buildah's --output writes only type=local and type=tar; other exporters need engine: docker with buildx.",
      'With buildah use push: true to push the image, or outputs: type=local,dest=<dir> / type=tar,dest=<file>.',
    ],
    [
      'an unclosed quote',
      { secrets: '"MYSECRET=line1\nline2' },
      {},
      'Input \'secrets\' is not a valid list (Quote Not Closed: the parsing is finished with an opening quote at line 2). Quote a whole item to put commas, quotes ("") or line breaks in it.',
      'For example: secrets: "github_token=${{ secrets.GITHUB_TOKEN }}"',
    ],
    [
      'a secret without an id, not shown',
      { secrets: 'ghs_notshown' },
      {},
      "Input 'secrets' has an item without a key= (not shown: it may be a secret); each item must be id=value.",
      'For example: secrets: "github_token=${{ secrets.GITHUB_TOKEN }}"',
    ],
    [
      'a secret file without a path',
      { 'secret-files': 'npmrc=' },
      {},
      "Input 'secret-files' has 'npmrc=' with an empty value; each item must be id=path.",
      'For example: secret-files: npmrc=${{ runner.temp }}/.npmrc',
    ],
    [
      'a build context without a name',
      { 'build-contexts': './src' },
      {},
      "Input 'build-contexts' has './src', without a key=; each item must be name=value.",
      'For example: build-contexts: alpine=docker-image://alpine:3.20',
    ],
    [
      'a repeated build arg',
      { 'build-args': 'A=1\nA=2' },
      {},
      "Input 'build-args' sets 'A' more than once.",
      'For example: build-args: VERSION=1.2.3',
    ],
    [
      'a BUILDX_NO_DEFAULT_ATTESTATIONS that is not a boolean',
      {},
      { BUILDX_NO_DEFAULT_ATTESTATIONS: 'maybe' },
      "The environment variable BUILDX_NO_DEFAULT_ATTESTATIONS is 'maybe', which is not a boolean.",
      'Set it to 1 or true to build without the default provenance attestation, or 0/false.',
    ],
  ])('%s', (_name, inputs, env, message, hint) => {
    const error = failure(inputs, env);
    expect(error.message).toBe(message);
    expect(error.hint).toBe(hint);
    expect(`${error.message}\n${error.hint}`).not.toContain('ghs_notshown');
  });

  it('takes context: git when a directory of that name is the build context', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'slipway-workspace-'));
    try {
      await mkdir(join(workspace, 'git'));
      setInputs({ context: 'git' });
      expect(readBuildInputs({}, workspace).context).toBe('git');
    } finally {
      await rm(workspace, { recursive: true, force: true });
    }
  });

  it('lets engine: buildah take what buildah has', () => {
    expect(() =>
      read({
        engine: 'buildah',
        outputs: 'type=local,dest=out',
        attests: 'type=sbom,disabled=true',
        provenance: 'false',
        load: 'true',
      }),
    ).not.toThrow();
  });
});

describe("build-push-action's list parsing", () => {
  it.each<[string, string, Parameters<typeof parseCsvList>[2], string[]]>([
    [
      'split: newlines and commas',
      'linux/amd64,linux/arm64\nlinux/arm/v7',
      { commas: 'split', example: '' },
      ['linux/amd64', 'linux/arm64', 'linux/arm/v7'],
    ],
    [
      'split: a quoted single field is split too, as build-push-action does',
      '"a,b"',
      { commas: 'split', example: '' },
      ['a', 'b'],
    ],
    [
      'split: quoted fields of a record stay whole',
      'a,"b,c"',
      { commas: 'split', example: '' },
      ['a', 'b,c'],
    ],
    [
      'keep: one item per line, quotes removed',
      'type=registry,"ref=r/cache,x"\ntype=gha',
      { commas: 'keep', example: '' },
      ['type=registry,ref=r/cache,x', 'type=gha'],
    ],
    [
      'comments and blank lines',
      '# a comment\n\ntype=gha # not a comment\n',
      { commas: 'keep', example: '' },
      ['type=gha # not a comment'],
    ],
    ['trimmed', '  a  \n b ', { commas: 'keep', example: '' }, ['a', 'b']],
    ['untrimmed', 'K=v  \n', { commas: 'keep', trim: false, example: '' }, ['K=v  ']],
    ['empty', '  ', { commas: 'keep', example: '' }, []],
  ])('%s', (_name, text, options, items) => {
    expect(parseCsvList('x', text, options)).toEqual(items);
  });
});
