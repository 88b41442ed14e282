// @ts-check
/**
 * Reads what an action told the runner: workflow commands on stdout (`::error file=a,line=3::msg`)
 * and the key/value files (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV), parsed the way the runner does.
 */

/** @typedef {{ command: string, properties: Record<string, string>, message: string }} WorkflowCommand */
/**
 * @typedef {object} Annotation
 * @property {'error' | 'warning' | 'notice'} level
 * @property {string} message
 * @property {string} [file]
 * @property {number} [line]
 * @property {number} [endLine]
 * @property {number} [col]
 * @property {number} [endColumn]
 * @property {string} [title]
 */

const COMMAND_LINE = /^::([A-Za-z][\w-]*)(?: ([^\n]*?))?::(.*)$/;
const ANNOTATION_LEVELS = ['error', 'warning', 'notice'];

/** @param {string} text */
function unescapeData(text) {
  return text.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
}

/** @param {string} text */
function unescapeProperty(text) {
  return unescapeData(text.replace(/%3A/gi, ':').replace(/%2C/gi, ','));
}

/**
 * As the runner reads stdout: between `::stop-commands::TOKEN` and `::TOKEN::` nothing is a
 * command, which is how actions print untrusted output safely.
 * @param {string} stdout
 * @returns {WorkflowCommand[]}
 */
export function parseWorkflowCommands(stdout) {
  /** @type {WorkflowCommand[]} */
  const commands = [];
  /** @type {string | undefined} */
  let resumeToken;
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
    /** @type {Record<string, string>} */
    const properties = {};
    for (const pair of (match[2] ?? '').split(',').filter(Boolean)) {
      const separator = pair.indexOf('=');
      if (separator > 0)
        properties[pair.slice(0, separator)] = unescapeProperty(pair.slice(separator + 1));
    }
    commands.push({ command: match[1], properties, message: unescapeData(match[3]) });
  }
  return commands;
}

/**
 * @param {WorkflowCommand[]} commands
 * @returns {Annotation[]}
 */
export function annotationsFrom(commands) {
  return commands
    .filter((c) => ANNOTATION_LEVELS.includes(c.command))
    .map(({ command, properties, message }) => {
      /** @param {string} key */
      const number = (key) => (properties[key] === undefined ? undefined : Number(properties[key]));
      /** @type {Annotation} */
      const annotation = { level: /** @type {Annotation['level']} */ (command), message };
      if (properties.file !== undefined) annotation.file = properties.file;
      if (properties.title !== undefined) annotation.title = properties.title;
      for (const key of /** @type {const} */ (['line', 'endLine', 'col', 'endColumn'])) {
        const value = number(key);
        if (value !== undefined) annotation[key] = value;
      }
      return annotation;
    });
}

/**
 * The file format the runner reads: `name=value` lines, or `name<<DELIMITER` heredocs.
 * @param {string} text
 * @returns {Record<string, string>}
 */
export function parseKeyValueFile(text) {
  /** @type {Record<string, string>} */
  const result = {};
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

/**
 * The runner replaces every registered mask in the log with ***.
 * @param {string} text
 * @param {string[]} masks
 */
export function applyMasks(text, masks) {
  const longestFirst = [...masks].filter(Boolean).sort((a, b) => b.length - a.length);
  return longestFirst.reduce((masked, secret) => masked.split(secret).join('***'), text);
}
