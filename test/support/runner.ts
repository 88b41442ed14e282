/**
 * The runner harness (tools/action-runner) with TypeScript types: runs an action's bundled dist
 * in a child process the way the GitHub runner does, then the post step with the saved state.
 * Assigning the JS function to this declaration makes tsc fail when the two drift apart.
 */
import * as runner from '../../tools/action-runner/index.js';
import type { Annotation, WorkflowCommand } from './workflow-commands.js';

export interface EventSpec {
  name: string;
  payload?: object;
  ref?: string;
  sha?: string;
}

export interface RunActionOptions {
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  event?: EventSpec;
  /** The job's GITHUB_WORKSPACE and working directory; a fresh temp folder when omitted. */
  workspace?: string;
  /** The job's RUNNER_TEMP; a fresh temp folder when omitted. Share it across steps of one job. */
  runnerTemp?: string;
  /** Stands in for `${{ github.token }}` in input defaults. */
  githubToken?: string;
  timeoutMs?: number;
  /**
   * Cancels the main step after this long, as the runner does when a run is cancelled: SIGINT,
   * then SIGTERM 7.5 s later. The post step still runs afterwards.
   */
  cancelMainAfterMs?: number;
  /** Cancels the main step the same way when the signal is aborted. */
  signal?: AbortSignal;
  /** Runs the post step (when action.yml has one); the runner does so by default (`post-if: always()`). */
  post?: boolean;
  /** Called with the main step's result before post runs, e.g. to inspect files post removes. */
  beforePost?: (main: StepResult) => void | Promise<void>;
}

export interface StepResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout as the job log shows it: every ::add-mask:: value replaced by ***. */
  log: string;
  commands: WorkflowCommand[];
  annotations: Annotation[];
  masks: string[];
  outputs: Record<string, string>;
  state: Record<string, string>;
  exportedEnv: Record<string, string>;
  summary: string;
}

export interface ActionRun {
  main: StepResult;
  post?: StepResult;
  workspace: string;
  runnerTemp: string;
}

export const runAction: (actionDir: string, options?: RunActionOptions) => Promise<ActionRun> =
  runner.runAction;
