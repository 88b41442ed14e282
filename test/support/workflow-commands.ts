/**
 * Reads what an action told the runner: workflow commands on stdout (`::error file=a,line=3::msg`)
 * and the key/value files (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV), parsed the way the runner does.
 */

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

const COMMAND_LINE = /^::([A-Za-z][\w-]*)(?: ([^\n]*?))?::(.*)$/;

function unescapeData(text: string): string {
  return text.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
}

function unescapeProperty(text: string): string {
  return unescapeData(text.replace(/%3A/gi, ':').replace(/%2C/gi, ','));
}

/**
 * As the runner reads stdout: between `::stop-commands::TOKEN` and `::TOKEN::` nothing is a
 * command, which is how actions print untrusted output safely.
 */
export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  let resumeToken: string | undefined;
  for (const line of stdout.split(/\r?\n/)) {
    if (resumeToken !== undefined) {
      if (line === `::${resumeToken}::`) resumeToken = undefined;
      continue;
    }
    const match = COMMAND_LINE.exec(line);
    if (!match) continue;
    if (match[1] === 'stop-commands') {
      resumeToken = match[3];
      continue;
    }
    const properties: Record<string, string> = {};
    for (const pair of (match[2] ?? '').split(',').filter(Boolean)) {
      const separator = pair.indexOf('=');
      if (separator > 0)
        properties[pair.slice(0, separator)] = unescapeProperty(pair.slice(separator + 1));
    }
    commands.push({ command: match[1], properties, message: unescapeData(match[3]) });
  }
  return commands;
}

export function annotationsFrom(commands: WorkflowCommand[]): Annotation[] {
  return commands
    .filter((c): c is WorkflowCommand & { command: Annotation['level'] } =>
      ['error', 'warning', 'notice'].includes(c.command),
    )
    .map(({ command, properties, message }) => {
      const number = (key: string) =>
        properties[key] === undefined ? undefined : Number(properties[key]);
      const annotation: Annotation = { level: command, message };
      if (properties.file !== undefined) annotation.file = properties.file;
      if (properties.title !== undefined) annotation.title = properties.title;
      for (const key of ['line', 'endLine', 'col', 'endColumn'] as const) {
        if (number(key) !== undefined) annotation[key] = number(key);
      }
      return annotation;
    });
}

/** The file format the runner reads: `name=value` lines, or `name<<DELIMITER` heredocs. */
export function parseKeyValueFile(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const end = lines.indexOf(delimiter, index + 1);
      if (end < 0) throw new Error(`Unterminated value for '${name}' (no line '${delimiter}')`);
      result[name] = lines.slice(index + 1, end).join('\n');
      index = end;
      continue;
    }
    const separator = line.indexOf('=');
    if (separator <= 0) throw new Error(`Malformed line in runner file: ${line}`);
    result[line.slice(0, separator)] = line.slice(separator + 1);
  }
  return result;
}

/** The runner replaces every registered mask in the log with ***. */
export function applyMasks(text: string, masks: string[]): string {
  const longestFirst = [...masks].filter(Boolean).sort((a, b) => b.length - a.length);
  return longestFirst.reduce((masked, secret) => masked.split(secret).join('***'), text);
}
