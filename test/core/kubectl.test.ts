import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { ExecError } from '../../src/core/exec.js';
import {
  connectKubectl,
  decodeKubeconfig,
  Kubectl,
  parseRolloutHistory,
  writeKubeconfig,
} from '../../src/core/kubectl.js';
import { forgetSecretsForTesting, maskSecrets } from '../../src/core/secrets.js';
import { startKubeSim } from '../../tools/kube-sim/server.js';
import { captureStdout } from '../support/capture-stdout.js';
import { describeWithTool } from '../support/tools.js';

const KUBECTL = {
  program: '/usr/bin/kubectl',
  debianPackage: 'kubectl',
  versionArgs: ['version', '--client'],
};

let runnerTemp: string;

beforeEach(async () => {
  runnerTemp = await mkdtemp(join(tmpdir(), 'kubectl-test-'));
  const stateFile = join(runnerTemp, 'state');
  await writeFile(stateFile, '');
  vi.stubEnv('RUNNER_TEMP', runnerTemp);
  vi.stubEnv('GITHUB_STATE', stateFile);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  forgetSecretsForTesting();
  await rm(runnerTemp, { recursive: true, force: true });
});

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
  - name: prod
    cluster: { server: 'https://10.0.0.1:6443' }
users:
  - name: deployer
    user:
      token: tok-3f9a8c7d2e1b
  - name: basic
    user: { username: admin, password: pw-71c2d9e8 }
  - name: cert
    user: { client-key-data: ${Buffer.from('-----BEGIN KEY-----\nkeybytes42\n-----END KEY-----').toString('base64')} }
contexts:
  - name: prod
    context: { cluster: prod, user: deployer }
current-context: prod
`;

describe('connectKubectl', () => {
  it('names the cluster of a base64 kubeconfig input, whose file kubectl is given', async () => {
    const input = Buffer.from(KUBECONFIG).toString('base64');
    const { target, cluster } = await connectKubectl({
      kubeconfig: input,
      context: undefined,
      namespace: 'web',
    });
    expect(cluster).toEqual({ context: 'prod', server: '10.0.0.1:6443' });
    expect(readFileSync(target.kubeconfigPath, 'utf8')).toBe(KUBECONFIG);
    expect(target).toMatchObject({ context: undefined, namespace: 'web' });
  });

  it('names the cluster of the file KUBECONFIG names when there is no input', async () => {
    const file = join(runnerTemp, 'from-earlier-step');
    await writeFile(file, KUBECONFIG.replace('current-context: prod', 'current-context: ""'));
    vi.stubEnv('KUBECONFIG', `${file}:${join(runnerTemp, 'second')}`);
    const { target, cluster } = await connectKubectl({
      kubeconfig: undefined,
      context: 'prod',
      namespace: undefined,
    });
    expect(target.kubeconfigPath).toBe(file);
    expect(cluster).toEqual({ context: 'prod', server: '10.0.0.1:6443' });
  });

  it('says how to pass a kubeconfig when there is neither the input nor KUBECONFIG', async () => {
    vi.stubEnv('KUBECONFIG', '');
    await expect(
      connectKubectl({ kubeconfig: '', context: undefined, namespace: undefined }),
    ).rejects.toThrow(/kubeconfig input is empty and KUBECONFIG is not set/);
  });
});

describe('kubeconfig input', () => {
  it.each([
    { form: 'plain YAML', input: KUBECONFIG },
    { form: 'base64', input: Buffer.from(KUBECONFIG).toString('base64') },
    {
      form: 'base64 wrapped over lines',
      input: Buffer.from(KUBECONFIG)
        .toString('base64')
        .replace(/(.{76})/g, '$1\n'),
    },
    { form: 'plain YAML with surrounding blank lines', input: `\n\n${KUBECONFIG}\n` },
  ])('accepts $form and writes it privately', async ({ input }) => {
    const { result } = await captureResult(() => writeKubeconfig(input));
    expect(result.currentContext).toBe('prod');
    expect(result.path.startsWith(runnerTemp)).toBe(true);
    expect(statSync(result.path).mode & 0o777).toBe(0o600);
    expect(readFileSync(result.path, 'utf8').trim()).toBe(KUBECONFIG.trim());
  });

  it.each([
    { input: '', problem: 'is empty' },
    { input: 'not a kubeconfig at all', problem: 'neither a kubeconfig' },
    { input: 'c29tZSByYW5kb20gdGV4dA==', problem: 'neither a kubeconfig' },
    { input: '- just\n- a list\n', problem: 'neither a kubeconfig' },
    { input: 'apiVersion: v1\nkind: Pod\n', problem: 'neither a kubeconfig' },
  ])('refuses $input with an error naming the input', async ({ input, problem }) => {
    const thrown = await catchError(() => decodeKubeconfig(input));
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).input).toBe('kubeconfig');
    expect((thrown as InputError).message).toContain(problem);
  });

  it('masks every credential and the forms they travel in', async () => {
    const encoded = Buffer.from(KUBECONFIG).toString('base64');
    const { text } = await captureResult(() => writeKubeconfig(encoded));
    const masked = text
      .split('\n')
      .filter((line) => line.startsWith('::add-mask::'))
      .map((line) => line.slice('::add-mask::'.length));
    expect(masked).toEqual(
      expect.arrayContaining([
        'tok-3f9a8c7d2e1b',
        Buffer.from('tok-3f9a8c7d2e1b').toString('base64'),
        'pw-71c2d9e8',
        Buffer.from('admin:pw-71c2d9e8').toString('base64'),
        'keybytes42',
        encoded,
      ]),
    );
    expect(maskSecrets('Authorization: Bearer tok-3f9a8c7d2e1b')).toBe('Authorization: Bearer ***');
    // Ordinary kubeconfig lines must stay readable in logs.
    expect(maskSecrets('kind: Config')).toBe('kind: Config');
  });
});

describe('JSON output', () => {
  it('says clearly when a program prints something that is not JSON', async () => {
    // echo stands in for a kubectl wrapper that prints text: it repeats its arguments.
    const kubectl = new Kubectl({ kubeconfigPath: '/nonexistent', program: '/bin/echo' });
    const thrown = await captureResult(() => kubectl.json(['get', 'pods'])).catch(
      (error: unknown) => error,
    );
    expect(String(thrown)).toMatch(/printed something that is not JSON.*--kubeconfig/);
  });
});

describe('rollout history table', () => {
  it.each([
    {
      text: 'deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         deploy v2\n',
      expected: [
        { revision: 1, changeCause: undefined },
        { revision: 2, changeCause: 'deploy v2' },
      ],
    },
    { text: 'deployment.apps/web \nREVISION  CHANGE-CAUSE\n', expected: [] },
  ])('parses $expected.length revisions', ({ text, expected }) => {
    expect(parseRolloutHistory(text)).toEqual(expected);
  });
});

describeWithTool(KUBECTL, 'Kubectl against kube-sim', () => {
  let sim: Awaited<ReturnType<typeof startKubeSim>>;
  let work: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'kubectl-sim-'));
    sim = await startKubeSim({
      config: {
        behaviours: [
          { image: 'app:*', 'ready-after': '200ms' },
          { image: 'stuck:*', 'never-ready': true },
        ],
      },
    });
  });

  afterAll(async () => {
    await sim.stop();
    await rm(work, { recursive: true, force: true });
  });

  async function connect(): Promise<Kubectl> {
    const { result } = await captureResult(() => writeKubeconfig(sim.kubeconfig));
    return new Kubectl({ kubeconfigPath: result.path, namespace: 'default', timeoutMs: 30_000 });
  }

  async function manifest(name: string, image: string, extra = ''): Promise<string> {
    const file = join(work, `${name}.yaml`);
    await writeFile(
      file,
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 2${extra}
  selector:
    matchLabels: { app: ${name} }
  template:
    metadata:
      labels: { app: ${name} }
    spec:
      containers:
        - name: main
          image: ${image}
`,
    );
    return file;
  }

  const imageOf = async (kubectl: Kubectl, name: string) =>
    (
      await kubectl.json<{ spec: { template: { spec: { containers: { image: string }[] } } } }>([
        'get',
        `deployment/${name}`,
      ])
    ).spec.template.spec.containers[0].image;

  it('applies a manifest and waits for the rollout to finish', async () => {
    const kubectl = await connect();
    const { result } = await captureResult(async () => {
      await kubectl.apply([await manifest('alpha', 'app:1')], { dryRun: 'none' });
      return kubectl.rolloutStatus('deployment/alpha', 20_000);
    });
    expect(result).toEqual({
      done: true,
      reason: 'rolled-out',
      message: 'deployment "alpha" successfully rolled out',
    });
  });

  it('a server dry run changes nothing', async () => {
    const kubectl = await connect();
    const file = await manifest('dry', 'app:1');
    await captureResult(() => kubectl.apply([file], { dryRun: 'server', serverSide: true }));
    const { result } = await captureResult(() =>
      kubectl.run(['get', 'deployment/dry'], { allowFailure: true }),
    );
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('NotFound');
  });

  it('sets an image, records history, and undoes it', async () => {
    const kubectl = await connect();
    const { result } = await captureResult(async () => {
      await kubectl.apply([await manifest('beta', 'app:1')]);
      await kubectl.rolloutStatus('deployment/beta', 20_000);
      await kubectl.setImage('deployment/beta', 'main', 'app:2');
      await kubectl.rolloutStatus('deployment/beta', 20_000);
      const afterSet = await imageOf(kubectl, 'beta');
      const history = await kubectl.rolloutHistory('deployment/beta');
      await kubectl.rolloutUndo('deployment/beta');
      const undone = await kubectl.rolloutStatus('deployment/beta', 20_000);
      return { afterSet, history, undone, afterUndo: await imageOf(kubectl, 'beta') };
    });
    expect(result.afterSet).toBe('app:2');
    expect(result.history.map((entry) => entry.revision)).toEqual([1, 2]);
    expect(result.undone.done).toBe(true);
    expect(result.afterUndo).toBe('app:1');
  });

  it.each([
    { extra: '', reason: 'timed-out', message: /timed out/ },
    {
      extra: '\n  progressDeadlineSeconds: 1',
      reason: 'progress-deadline-exceeded',
      message: /deployment "stuck-\d" exceeded its progress deadline/,
    },
  ])('reports a rollout that does not finish as $reason', async ({ extra, reason, message }) => {
    const kubectl = await connect();
    const name = `stuck-${extra ? 2 : 1}`;
    const { result } = await captureResult(async () => {
      await kubectl.apply([await manifest(name, 'stuck:1', extra)]);
      return kubectl.rolloutStatus(`deployment/${name}`, extra ? 10_000 : 1_500);
    });
    expect(result.done).toBe(false);
    expect(result.reason).toBe(reason);
    expect(result.message).toMatch(message);
  });

  it('throws a clear error for a workload that does not exist', async () => {
    const kubectl = await connect();
    const thrown = await captureResult(() =>
      kubectl.rolloutStatus('deployment/missing', 2_000),
    ).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(ExecError);
    expect((thrown as ExecError).message).toContain('not found');
    expect((thrown as ExecError).hint).toContain('namespace');
  });

  it('passes shell metacharacters through as data', async () => {
    const kubectl = await connect();
    const marker = join(work, 'executed');
    const value = `$(touch ${marker}); \`touch ${marker}\` && echo hi | cat`;
    const { result } = await captureResult(async () => {
      await kubectl.apply([await manifest('gamma', 'app:1')]);
      await kubectl.annotate('deployment/gamma', { 'example.com/note': value });
      return kubectl.json<{ metadata: { annotations: Record<string, string> } }>([
        'get',
        'deployment/gamma',
      ]);
    });
    expect(result.metadata.annotations['example.com/note']).toBe(value);
    expect(existsSync(marker)).toBe(false);
  });

  it('reads raw API paths', async () => {
    const kubectl = await connect();
    const { result } = await captureResult(() => kubectl.getRaw('/version'));
    expect(JSON.parse(result)).toMatchObject({ gitVersion: expect.stringMatching(/^v1\./) });
  });

  it('never shows the token in its command lines or errors', async () => {
    const kubectl = await connect();
    const { text, result } = await captureResult(() =>
      kubectl.run(['get', 'deployment/none', '-v=9'], { allowFailure: true }),
    );
    const visible = text.split('\n').filter((line) => !line.startsWith('::add-mask::'));
    expect(visible.join('\n')).not.toContain(sim.token);
    expect(result.stderr).toContain('GET https://127.0.0.1');
    expect(`${result.stdout}${result.stderr}`).not.toContain(sim.token);
  });

  it('forgets its discovery cache after an API fault, not after a refusal', async () => {
    const { result } = await captureResult(() => writeKubeconfig(sim.kubeconfig));
    const cacheDir = join(work, 'discovery-cache');
    const kubectl = new Kubectl({ kubeconfigPath: result.path, namespace: 'default', cacheDir });
    await captureResult(() => kubectl.run(['get', 'deployments']));
    expect(existsSync(cacheDir)).toBe(true);
    await captureResult(() => kubectl.run(['get', 'deployment/none'], { allowFailure: true }));
    expect(existsSync(cacheDir), 'NotFound is an answer; the cache stays').toBe(true);
    sim.faults.failNext(1, 500);
    const faulted = await captureResult(() =>
      kubectl.run(['get', 'deployments'], { allowFailure: true }),
    );
    expect(faulted.result.stderr).toContain('InternalError');
    expect(existsSync(cacheDir), 'a fault may have spoiled what kubectl cached').toBe(false);
    sim.faults.reset();
  });
});

async function captureResult<T>(action: () => Promise<T>): Promise<{ result: T; text: string }> {
  let result: T | undefined;
  const { text } = await captureStdout(async () => {
    result = await action();
  });
  return { result: result as T, text };
}

async function catchError(action: () => unknown): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
