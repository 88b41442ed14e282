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

/** Commands on stdout, honouring `::stop-commands::` as the runner does. */
export const parseWorkflowCommands: (stdout: string) => WorkflowCommand[] =
  commands.parseWorkflowCommands;

export const annotationsFrom: (commands: WorkflowCommand[]) => Annotation[] =
  commands.annotationsFrom;

/** The file format the runner reads: `name=value` lines, or `name<<DELIMITER` heredocs. */
export const parseKeyValueFile: (text: string) => Record<string, string> =
  commands.parseKeyValueFile;

/** The runner replaces every registered mask in the log with ***. */
export const applyMasks: (text: string, masks: string[]) => string = commands.applyMasks;
