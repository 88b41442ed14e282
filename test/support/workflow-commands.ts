/**
 * Reads what an action told the runner (tools/action-runner/workflow-commands.js) with
 * TypeScript types. Assigning the JS functions to these declarations makes tsc fail when the
 * two drift apart.
 */
import * as commands from '../../tools/action-runner/workflow-commands.js';

export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
  stream?: 'stdout' | 'stderr';
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
  endColumn?: number;
  title?: string;
}

/** The commands the runner would process in a piece of stdout, honouring stop-commands. */
export const parseWorkflowCommands: (stdout: string) => WorkflowCommand[] =
  commands.parseWorkflowCommands;

export const annotationsFrom: (commands: WorkflowCommand[]) => Annotation[] =
  commands.annotationsFrom;

/** The file format the runner reads: `name=value` lines, or `name<<DELIMITER` heredocs. */
export const parseKeyValueFile: (text: string) => Record<string, string> =
  commands.parseKeyValueFile;

/** The runner's masker: one per job, masking registered values and their encoded forms. */
export const SecretMasker = commands.SecretMasker;
/** One step's output processed line by line as the runner processes it. */
export const StepOutputProcessor = commands.StepOutputProcessor;
