/**
 * The kubectl adapter: every cluster call goes through the real kubectl with an argument array,
 * a private kubeconfig and a private discovery cache, so nothing a user typed becomes a command
 * and nothing cached by one run is trusted by the next.
 */
import { existsSync, rmSync } from 'node:fs';
import { delimiter } from 'node:path';
import { clusterIdentity, readClusterIdentity, type ClusterIdentity } from './cluster-identity.js';
import { ownedTempDirectory, writeCredentialFile } from './credentials.js';
import type { ChangeGate } from './change-gate.js';
import { ActionError, InputError, describeThrown } from './errors.js';
import { execute, ExecError, type ExecResult } from './exec.js';
import { isTransientKubeError } from './kube-recovery.js';
import { isMapping, type Mapping } from './mapping.js';
import { registerSecret, registerSecretWithDerivations } from './secrets.js';
import { parseYaml } from './yaml.js';

export interface KubectlOptions {
  kubeconfigPath: string;
  context?: string;
  namespace?: string;
  /** Per command, unless a call sets its own. */
  timeoutMs?: number;
  /** kubectl's discovery cache; by default a fresh directory under RUNNER_TEMP. */
  cacheDir?: string;
  /** By default /usr/bin/kubectl when it exists, else `kubectl` on PATH. */
  program?: string;
  /**
   * When (epoch ms) every call must have ended: a call's own timeout is cut to the time left, and
   * no call starts after it, so an API server that stops answering cannot outlast the step's
   * timeout.
   */
  deadlineAt?: number;
  /** Once closed (the run was cancelled), no call starts: see change-gate.ts. */
  gate?: ChangeGate;
}

export interface RunOptions {
  timeoutMs?: number;
  stdin?: string;
  /** Return failures to the caller instead of throwing. */
  allowFailure?: boolean;
}

export type DryRun = 'server' | 'none';

export interface RolloutStatus {
  done: boolean;
  /** Why it is not done: kubectl's own words make the clearest summary line. */
  reason: 'rolled-out' | 'timed-out' | 'progress-deadline-exceeded';
  message: string;
}

export interface RolloutRevision {
  revision: number;
  changeCause: string | undefined;
}

const DEFAULT_TIMEOUT_MS = 60_000;
/** kubectl needs a moment beyond its own --timeout to print the outcome and exit. */
const STATUS_GRACE_MS = 15_000;

export class Kubectl {
  readonly program: string;
  private readonly globalArgs: string[];
  private readonly timeoutMs: number;
  private readonly options: KubectlOptions;

  constructor(options: KubectlOptions) {
    this.options = options;
    this.program = options.program ?? defaultKubectlProgram();
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // Recorded for the post step, which removes it: nothing of ours outlives the job's steps.
    const cacheDir = options.cacheDir ?? ownedTempDirectory('kube-cache');
    this.options = { ...options, cacheDir };
    this.globalArgs = ['--kubeconfig', options.kubeconfigPath, '--cache-dir', cacheDir];
    if (options.context) this.globalArgs.push('--context', options.context);
    if (options.namespace) this.globalArgs.push('--namespace', options.namespace);
  }

  /** The same kubectl (kubeconfig, cache) with another deadline, e.g. for a rollback's own budget. */
  withDeadline(deadlineAt: number | undefined): Kubectl {
    return new Kubectl({ ...this.options, deadlineAt });
  }

  /** The same kubectl, whose calls stop once `gate` closes; undefined: calls never stop. */
  withGate(gate: ChangeGate | undefined): Kubectl {
    return new Kubectl({ ...this.options, gate });
  }

  /**
   * The same kubectl working in another namespace, for objects that name their own; undefined
   * keeps this one's (the namespace input, else the context's).
   */
  inNamespace(namespace: string | undefined): Kubectl {
    if (namespace === undefined || namespace === this.options.namespace) return this;
    return new Kubectl({ ...this.options, namespace });
  }

  /** Its gate closed: the run was cancelled, and no further call of this kubectl starts. */
  get stopped(): boolean {
    return this.options.gate?.closed ?? false;
  }

  /** The namespace given with --namespace; undefined: the context's. */
  get namespace(): string | undefined {
    return this.options.namespace;
  }

  private forgetDiscovery(): void {
    const cacheDir = this.options.cacheDir;
    if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
  }

  /** Time left before the deadline; Infinity without one. */
  remainingMs(): number {
    return this.options.deadlineAt === undefined ? Infinity : this.options.deadlineAt - Date.now();
  }

  async run(args: readonly string[], options: RunOptions = {}): Promise<ExecResult> {
    const remaining = this.remainingMs();
    if (remaining <= 0) {
      throw new ActionError(
        `kubectl ${args[0] ?? ''} was not started: the time allowed for this step ran out.`,
        'Raise the timeout, or check that the API server answers (kubectl cluster-info).',
      );
    }
    const call = () =>
      execute(this.program, [...this.globalArgs, ...args], {
        timeoutMs: Math.min(options.timeoutMs ?? this.timeoutMs, remaining),
        stdin: options.stdin,
        okExitCodes: 'any',
      });
    const result = await (this.options.gate ? this.options.gate.run(args, call) : call());
    const failed = result.timedOut || result.exitCode !== 0;
    const error = failed ? new ExecError(result, hintFor(result.stderr)) : undefined;
    // kubectl may have cached a discovery answer the fault spoiled; the next call asks afresh.
    if (error && isTransientKubeError(error)) this.forgetDiscovery();
    if (error && !options.allowFailure) throw error;
    return result;
  }

  async json<T>(args: readonly string[], options: RunOptions = {}): Promise<T> {
    const result = await this.run([...args, '-o', 'json'], options);
    return parseJson<T>(result);
  }

  /** `kubectl apply` of files or directories; a server dry run checks everything, changes nothing. */
  async apply(
    files: readonly string[],
    options: { serverSide?: boolean; dryRun?: DryRun } = {},
  ): Promise<string> {
    if (files.length === 0) throw new ActionError('There are no manifest files to apply.');
    const args = ['apply', ...files.flatMap((file) => ['-f', file])];
    if (options.serverSide) args.push('--server-side', '--field-manager=slipway');
    if (options.dryRun === 'server') args.push('--dry-run=server');
    return (await this.run(args)).stdout;
  }

  async setImage(
    kindName: string,
    container: string,
    image: string,
    options: { dryRun?: DryRun } = {},
  ): Promise<string> {
    const args = ['set', 'image', kindName, `${container}=${image}`];
    if (options.dryRun === 'server') args.push('--dry-run=server');
    return (await this.run(args)).stdout;
  }

  /** Waits up to timeoutMs; a timeout or a missed progress deadline is an answer, not an error. */
  async rolloutStatus(kindName: string, timeoutMs: number): Promise<RolloutStatus> {
    const result = await this.run(
      ['rollout', 'status', kindName, '--watch=true', `--timeout=${Math.max(1, timeoutMs)}ms`],
      { timeoutMs: timeoutMs + STATUS_GRACE_MS, allowFailure: true },
    );
    if (!result.timedOut && result.exitCode === 0) {
      return { done: true, reason: 'rolled-out', message: lastLine(result.stdout) };
    }
    const said = lastLine(result.stderr).replace(/^error:\s*/, '');
    if (result.timedOut || /timed out waiting for the condition/.test(result.stderr)) {
      const progress = lastLine(result.stdout);
      return {
        done: false,
        reason: 'timed-out',
        message: progress ? `timed out; last seen: ${progress}` : `timed out: ${said}`,
      };
    }
    if (/exceeded its progress deadline/.test(result.stderr)) {
      return { done: false, reason: 'progress-deadline-exceeded', message: said };
    }
    throw new ExecError(result, hintFor(result.stderr));
  }

  async rolloutUndo(kindName: string, toRevision?: number): Promise<string> {
    const args = ['rollout', 'undo', kindName];
    if (toRevision !== undefined) args.push(`--to-revision=${toRevision}`);
    return (await this.run(args)).stdout;
  }

  async rolloutHistory(kindName: string): Promise<RolloutRevision[]> {
    const { stdout } = await this.run(['rollout', 'history', kindName]);
    return parseRolloutHistory(stdout);
  }

  async annotate(
    kindName: string,
    annotations: Readonly<Record<string, string>>,
    options: { dryRun?: DryRun } = {},
  ): Promise<string> {
    const pairs = Object.entries(annotations).map(([key, value]) => `${key}=${value}`);
    const args = ['annotate', kindName, ...pairs, '--overwrite'];
    if (options.dryRun === 'server') args.push('--dry-run=server');
    return (await this.run(args)).stdout;
  }

  /** The object as JSON, or undefined when it does not exist. */
  async getIfExists<T>(kindName: string): Promise<T | undefined> {
    const result = await this.run(['get', kindName, '--ignore-not-found', '-o', 'json']);
    if (result.stdout.trim() === '') return undefined;
    return parseJson<T>(result);
  }

  /** `kubectl apply` of one object given in memory, through stdin (no file to clean up). */
  async applyObject(
    object: object,
    options: { dryRun?: DryRun; serverSide?: boolean } = {},
  ): Promise<string> {
    const args = ['apply', '-f', '-'];
    if (options.serverSide) args.push('--server-side', '--field-manager=slipway');
    if (options.dryRun === 'server') args.push('--dry-run=server');
    return (await this.run(args, { stdin: JSON.stringify(object) })).stdout;
  }

  /**
   * Custom resources refuse strategic merge patches, so callers choose: `merge` replaces lists
   * wholesale, `json` is a list of operations.
   */
  async patch(
    kindName: string,
    type: 'merge' | 'json' | 'strategic',
    patch: unknown,
  ): Promise<string> {
    const args = ['patch', kindName, '--type', type, '-p', JSON.stringify(patch)];
    return (await this.run(args)).stdout;
  }

  async scale(kindName: string, replicas: number): Promise<string> {
    return (await this.run(['scale', kindName, `--replicas=${replicas}`])).stdout;
  }

  /** Deleting what is already gone is not an error: cleanup must be safe to repeat. */
  async deleteIfExists(kindNames: readonly string[]): Promise<string> {
    if (kindNames.length === 0) return '';
    return (await this.run(['delete', ...kindNames, '--ignore-not-found'])).stdout;
  }

  /** A raw API path, e.g. the service proxy; the answer is returned as text. */
  async getRaw(path: string, options: RunOptions = {}): Promise<string> {
    if (!path.startsWith('/')) {
      throw new ActionError(`API path '${path}' must start with '/'.`);
    }
    return (await this.run(['get', '--raw', path], options)).stdout;
  }
}

/** /usr/bin/kubectl when it exists (not a wrapper earlier on PATH), else `kubectl` on PATH. */
export function defaultKubectlProgram(): string {
  return existsSync('/usr/bin/kubectl') ? '/usr/bin/kubectl' : 'kubectl';
}

function parseJson<T>(result: ExecResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch (error) {
    const start = result.stdout.trim().slice(0, 200);
    throw new ActionError(
      `${result.commandLine} printed something that is not JSON (${describeThrown(error)}): ${start || '(nothing)'}`,
      'A kubectl plugin or wrapper may be printing extra text; use a plain kubectl binary.',
    );
  }
}

/** `kubectl rollout history` prints a REVISION / CHANGE-CAUSE table. */
export function parseRolloutHistory(text: string): RolloutRevision[] {
  const revisions: RolloutRevision[] = [];
  for (const line of text.split('\n')) {
    const match = /^(\d+)\s+(.*)$/.exec(line.trim());
    if (!match) continue;
    const cause = match[2].trim();
    revisions.push({
      revision: Number(match[1]),
      changeCause: cause === '' || cause === '<none>' ? undefined : cause,
    });
  }
  return revisions;
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1)?.trim() ?? '';
}

function hintFor(stderr: string): string | undefined {
  if (/Unauthorized|must be logged in|provide credentials/i.test(stderr)) {
    return 'The kubeconfig credentials were refused; check that its token or certificate is current.';
  }
  if (/forbidden/i.test(stderr)) {
    return 'The kubeconfig user lacks permission for this; grant it with a Role and RoleBinding.';
  }
  if (/connection refused|no such host|i\/o timeout|Unable to connect/i.test(stderr)) {
    return 'The API server could not be reached; check the server URL in the kubeconfig and the network.';
  }
  if (/NotFound|not found/.test(stderr)) {
    return 'Check the name, the kind and the namespace.';
  }
  return undefined;
}

export interface WrittenKubeconfig {
  path: string;
  currentContext: string | undefined;
  /** The kubeconfig as parsed, so that callers need not read the file back. */
  config: Mapping;
}

const KUBECONFIG_EXAMPLE = '${{ secrets.KUBECONFIG }}';

/**
 * Accepts the kubeconfig as YAML or as base64 of it (how many teams store it in a secret), writes
 * it to a private file, and masks every credential in it, including encodings they travel in.
 */
export async function writeKubeconfig(input: string): Promise<WrittenKubeconfig> {
  const { config, text, encoded } = await decodeKubeconfig(input);
  // The whole base64 blob carries every credential in it; plain YAML lines are mostly harmless.
  if (encoded) registerSecret(input.trim());
  registerKubeconfigSecrets(config);
  const path = await writeCredentialFile('kubeconfig', text);
  const current = config['current-context'];
  return { path, currentContext: typeof current === 'string' ? current : undefined, config };
}

export interface DecodedKubeconfig {
  config: Mapping;
  /** The YAML text, as the user wrote it. */
  text: string;
  /** True when the input was base64. */
  encoded: boolean;
}

/**
 * A kubeconfig input is usable without the context input only when it names a current-context;
 * checked up front so the step says so instead of kubectl failing against localhost:8080.
 */
export async function checkKubeconfigContext(
  input: string | undefined,
  context: string | undefined,
): Promise<void> {
  if (!input?.trim() || context) return;
  const current = (await decodeKubeconfig(input)).config['current-context'];
  if (typeof current === 'string' && current.trim() !== '') return;
  throw new InputError(
    'kubeconfig',
    "has no current-context, and the context input is not set, so there is no cluster to talk to. Set current-context in the kubeconfig, or set the context input to one of the kubeconfig's contexts.",
    KUBECONFIG_EXAMPLE,
  );
}

export async function decodeKubeconfig(input: string): Promise<DecodedKubeconfig> {
  const text = input.trim();
  if (text === '') throw new InputError('kubeconfig', 'is empty.', KUBECONFIG_EXAMPLE);
  const plain = await asKubeconfig(text);
  if (plain) return { config: plain, text: `${text}\n`, encoded: false };
  if (/^[A-Za-z0-9+/=\s_-]+$/.test(text)) {
    const decoded = Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8');
    const config = await asKubeconfig(decoded);
    if (config) return { config, text: decoded, encoded: true };
  }
  throw new InputError(
    'kubeconfig',
    'is neither a kubeconfig in YAML nor base64 of one (it needs clusters, users and contexts).',
    KUBECONFIG_EXAMPLE,
  );
}

async function asKubeconfig(text: string): Promise<Mapping | undefined> {
  let parsed: unknown;
  try {
    parsed = await parseYaml(text);
  } catch {
    return undefined;
  }
  if (!isMapping(parsed)) return undefined;
  const hasLists = ['clusters', 'users', 'contexts'].some((key) => Array.isArray(parsed[key]));
  return hasLists || parsed.kind === 'Config' ? parsed : undefined;
}

const SECRET_USER_FIELDS = ['token', 'password', 'client-key-data'];
const SECRET_PROVIDER_FIELDS = ['id-token', 'refresh-token', 'access-token', 'client-secret'];

function registerKubeconfigSecrets(config: Mapping): void {
  const users = Array.isArray(config.users) ? config.users : [];
  for (const entry of users) {
    const user = isMapping(entry) && isMapping(entry.user) ? entry.user : undefined;
    if (!user) continue;
    for (const field of SECRET_USER_FIELDS) {
      const value = user[field];
      if (typeof value !== 'string') continue;
      registerSecretWithDerivations(value);
      // The key's base64 is what the file holds; its PEM is what a debug log would show.
      if (field === 'client-key-data') registerSecret(Buffer.from(value, 'base64').toString());
    }
    if (typeof user.username === 'string' && typeof user.password === 'string') {
      registerSecret(Buffer.from(`${user.username}:${user.password}`).toString('base64'));
    }
    const provider = isMapping(user['auth-provider']) ? user['auth-provider'].config : undefined;
    if (isMapping(provider)) {
      for (const field of SECRET_PROVIDER_FIELDS) {
        const value = provider[field];
        if (typeof value === 'string') registerSecretWithDerivations(value);
      }
    }
  }
}

/** Where a step's cluster is; saved for the post step, which must talk to the same cluster. */
export interface KubeTarget {
  kubeconfigPath: string;
  context: string | undefined;
  namespace: string | undefined;
}

/** The one way every action sets kubectl up: the kubeconfig input (or KUBECONFIG), context, namespace. */
export async function connectKubectl(
  inputs: {
    kubeconfig: string | undefined;
    context: string | undefined;
    namespace: string | undefined;
  },
  options: { deadlineAt?: number } = {},
): Promise<{ kubectl: Kubectl; target: KubeTarget; cluster: ClusterIdentity }> {
  const written = inputs.kubeconfig ? await writeKubeconfig(inputs.kubeconfig) : undefined;
  const target: KubeTarget = {
    kubeconfigPath: written?.path ?? kubeconfigFromEnvironment(),
    context: inputs.context,
    namespace: inputs.namespace,
  };
  // Named in the summary, so each leg of a many-cluster matrix says which cluster it changed.
  const cluster = written
    ? clusterIdentity(written.config, target.context)
    : await readClusterIdentity(target.kubeconfigPath, target.context);
  return { kubectl: kubectlFor(target, options), target, cluster };
}

/** kubectl for a target saved earlier, e.g. by main for its post step. */
export function kubectlFor(target: KubeTarget, options: { deadlineAt?: number } = {}): Kubectl {
  return new Kubectl({ ...target, deadlineAt: options.deadlineAt });
}

/**
 * The kubeconfig a step uses without the input: the first file named by KUBECONFIG, as set by an
 * earlier step such as azure/k8s-set-context.
 */
function kubeconfigFromEnvironment(): string {
  const fromEnvironment = process.env.KUBECONFIG?.split(delimiter).find(Boolean);
  if (fromEnvironment) return fromEnvironment;
  throw new ActionError(
    'There is no kubeconfig: the kubeconfig input is empty and KUBECONFIG is not set.',
    'Pass one from a secret, e.g. kubeconfig: ${{ secrets.KUBECONFIG }}, or set KUBECONFIG in an earlier step.',
  );
}
