// @ts-check
/**
 * The runner's side of a step's output, modelled on actions/runner (ActionCommandManager,
 * ActionCommand, OutputManager, SecretMasker): every line an action prints on stdout or stderr
 * is either a workflow command the runner processes or a log line, masked with the secrets
 * registered up to that line. Also reads the key/value files (GITHUB_OUTPUT, GITHUB_STATE,
 * GITHUB_ENV) the way the runner does.
 */

/** @typedef {'stdout' | 'stderr'} Stream */
/** @typedef {{ command: string, properties: Record<string, string>, message: string, stream?: Stream }} WorkflowCommand */
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

/**
 * The commands the runner registers; any other name in `::name::` is printed as plain text.
 * `stop-commands` is handled by the command manager itself.
 */
export const RUNNER_COMMANDS = Object.freeze([
  'add-mask',
  'add-matcher',
  'add-path',
  'debug',
  'echo',
  'endgroup',
  'error',
  'group',
  'notice',
  'remove-matcher',
  'save-state',
  'set-env',
  'set-output',
  'warning',
]);
const STOP_COMMANDS = 'stop-commands';
/** Commands the runner refuses unless ACTIONS_ALLOW_UNSECURE_COMMANDS is true; the step then fails. */
const DISABLED_COMMANDS = ['set-env', 'add-path'];
/** Commands the runner never echoes, even with `::echo::on`. */
const NEVER_ECHOED = ['add-mask', 'debug', 'error', 'warning', 'notice'];
const ANNOTATION_LEVELS = ['error', 'warning', 'notice'];

/** As ActionCommand.UnescapeData: %0D, %0A, then %25. */
/** @param {string} text */
function unescapeData(text) {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

/** As ActionCommand.UnescapeProperty: %0D, %0A, %3A, %2C, then %25. */
/** @param {string} text */
function unescapeProperty(text) {
  return text
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%');
}

/** The legacy `##[name k=v;k=v]data` form's escapes (ActionCommand.Unescape). */
/** @param {string} text */
function unescapeLegacy(text) {
  return text
    .replace(/%3B/g, ';')
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%5D/g, ']')
    .replace(/%25/g, '%');
}

/**
 * `::name k=v,k=v::data` after trimming leading whitespace (ActionCommand.TryParseV2), or the
 * legacy `##[name k=v;k=v]data` anywhere in the line (ActionCommand.TryParse). Names are
 * case-insensitive; a name the runner has not registered is not a command.
 * @param {string} line
 * @param {Set<string>} registered lower-case names
 * @returns {WorkflowCommand | undefined}
 */
export function parseCommandLine(line, registered) {
  return parseV2(line, registered) ?? parseLegacy(line, registered);
}

/** @param {string} line @param {Set<string>} registered @returns {WorkflowCommand | undefined} */
function parseV2(line, registered) {
  const message = line.trimStart();
  if (!message.startsWith('::')) return undefined;
  const end = message.indexOf('::', 2);
  if (end < 0) return undefined;
  return commandOf(message.slice(2, end), registered, {
    separator: ',',
    trimProperties: true,
    unescapeProperty,
    data: unescapeData(message.slice(end + 2)),
  });
}

/** @param {string} line @param {Set<string>} registered @returns {WorkflowCommand | undefined} */
function parseLegacy(line, registered) {
  const prefix = line.indexOf('##[');
  if (prefix < 0) return undefined;
  const close = line.indexOf(']', prefix);
  if (close < 0) return undefined;
  return commandOf(line.slice(prefix + 3, close), registered, {
    separator: ';',
    trimProperties: false,
    unescapeProperty: unescapeLegacy,
    data: unescapeLegacy(line.slice(close + 1)),
  });
}

/**
 * The command in `name k=v<separator>k=v`, when the runner has registered the name.
 * @param {string} info
 * @param {Set<string>} registered
 * @param {{ separator: string, trimProperties: boolean, unescapeProperty: (text: string) => string, data: string }} form
 * @returns {WorkflowCommand | undefined}
 */
function commandOf(info, registered, form) {
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  if (!registered.has(name.toLowerCase())) return undefined;
  /** @type {Record<string, string>} */
  const properties = {};
  const text = space > 0 ? info.slice(space + 1) : '';
  const pairs = (form.trimProperties ? text.trim() : text).split(form.separator);
  for (const pair of pairs) {
    const separator = pair.indexOf('=');
    if (separator > 0 && separator < pair.length - 1) {
      properties[pair.slice(0, separator)] = form.unescapeProperty(pair.slice(separator + 1));
    }
  }
  return { command: name.toLowerCase(), properties, message: form.data };
}

/**
 * The runner's secret masker: one per job, so a value masked in main stays masked in post.
 * Like the runner it also masks the encoded forms a secret commonly takes in output (base64 at
 * each byte offset, JSON and URI escaping, XML escaping, without surrounding double quotes).
 */
export class SecretMasker {
  /** @type {Set<string>} */
  #values = new Set();
  /** @type {string[]} the registered secrets themselves, in order */
  registered = [];

  /** @param {string} secret */
  add(secret) {
    if (secret.trim() === '') return;
    this.registered.push(secret);
    for (const form of encodedForms(secret)) if (form.length > 0) this.#values.add(form);
  }

  /** @param {string} text */
  mask(text) {
    const longestFirst = [...this.#values].sort((a, b) => b.length - a.length);
    return longestFirst.reduce((masked, secret) => masked.split(secret).join('***'), text);
  }
}

/** @param {string} secret @returns {string[]} */
function encodedForms(secret) {
  const bytes = Buffer.from(secret, 'utf8');
  const base64 = [0, 1, 2].map((shift) => {
    const shifted = bytes.length > shift ? bytes.subarray(shift) : bytes;
    const encoded = shifted.toString('base64');
    // Padding, and the last character before it, depend on what follows the secret.
    return encoded.endsWith('=') ? encoded.replace(/=+$/, '').slice(0, -1) : encoded;
  });
  const json = JSON.stringify(secret).slice(1, -1);
  const uri = encodeURIComponent(secret);
  const xml = secret
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
  const unquoted = secret.replace(/^"+|"+$/g, '');
  return [secret, ...base64.filter((form) => form.length >= 4), json, uri, xml, unquoted];
}

/**
 * One step's output as the runner sees it, line by line in arrival order across both streams:
 * commands processed (masks from their own line on, stop-commands, annotations, state and
 * outputs set by the deprecated commands), every other line logged with the masks in force.
 */
export class StepOutputProcessor {
  /** @type {WorkflowCommand[]} */
  commands = [];
  /** @type {string[]} the step's log as GitHub shows it */
  logLines = [];
  /** @type {Annotation[]} */
  annotations = [];
  /** @type {Record<string, string>} values set by `::set-output` */
  outputs = {};
  /** @type {Record<string, string>} values set by `::save-state` */
  state = {};
  /** @type {string[]} commands the runner failed to process: each fails the step */
  commandFailures = [];
  #registered = new Set([...RUNNER_COMMANDS, STOP_COMMANDS]);
  /** @type {string | undefined} */
  #stopToken;
  #stopped = false;
  #echo = false;

  /**
   * @param {SecretMasker} masker
   * @param {{ stepDebug?: boolean, allowUnsecureCommands?: boolean }} [settings]
   */
  constructor(masker, settings = {}) {
    this.masker = masker;
    this.settings = settings;
  }

  /**
   * @param {string} line one line without its newline
   * @param {Stream} stream
   */
  processLine(line, stream) {
    const hasMarker = line.includes('::') || line.includes('##[');
    const command = hasMarker ? parseCommandLine(line, this.#registered) : undefined;
    if (!command) return this.#log(line);
    if (this.#stopped) {
      if (this.#stopToken && command.command === this.#stopToken.toLowerCase()) {
        this.#log(line);
        this.#registered.delete(this.#stopToken.toLowerCase());
        this.#stopped = false;
        this.#stopToken = undefined;
        return;
      }
      return this.#log(line);
    }
    if (command.command === STOP_COMMANDS) {
      this.#log(line);
      this.#stopToken = command.message;
      this.#stopped = true;
      if (command.message !== '') this.#registered.add(command.message.toLowerCase());
      return;
    }
    if (!RUNNER_COMMANDS.includes(command.command)) return this.#log(line);
    this.commands.push({ ...command, stream });
    if (this.#echo && !NEVER_ECHOED.includes(command.command)) this.#log(line);
    this.#apply(command, line);
  }

  /** @param {WorkflowCommand} command @param {string} line */
  #apply(command, line) {
    const { properties, message } = command;
    switch (command.command) {
      case 'add-mask':
        if (message.trim() === '') {
          this.runnerIssue(
            'warning',
            "Can't add secret mask for empty string in ##[add-mask] command.",
          );
        } else {
          if (this.#echo) this.#log('::add-mask::***');
          this.masker.add(message);
        }
        return;
      case 'error':
      case 'warning':
      case 'notice':
        this.annotations.push(annotationOf(command));
        this.#log(`##[${command.command}]${message}`);
        return;
      case 'debug':
        if (this.settings.stepDebug) this.#log(`##[debug]${message}`);
        return;
      case 'group':
        this.#log(`##[group]${message}`);
        return;
      case 'endgroup':
        this.#log('##[endgroup]');
        return;
      case 'echo': {
        const value = message.trim().toLowerCase();
        if (value === 'on' || value === 'off') this.#echo = value === 'on';
        else this.#fail(line, `Invalid echo command value. Possible values can be: 'on', 'off'.`);
        return;
      }
      case 'set-output':
      case 'save-state':
        if (!properties.name) {
          this.#fail(line, `Required field 'name' is missing in ##[${command.command}] command.`);
        } else if (command.command === 'set-output') {
          this.outputs[properties.name] = message;
        } else {
          this.state[properties.name] = message;
        }
        return;
      default:
        if (DISABLED_COMMANDS.includes(command.command) && !this.settings.allowUnsecureCommands) {
          this.#fail(
            command.command,
            `The \`${command.command}\` command is disabled. Please upgrade to using Environment ` +
              'Files or opt into unsecure command execution by setting the ' +
              '`ACTIONS_ALLOW_UNSECURE_COMMANDS` environment variable to `true`.',
          );
        }
    }
  }

  /** @param {string} what @param {string} reason */
  #fail(what, reason) {
    this.runnerIssue('error', `Unable to process command '${what}' successfully.`);
    this.runnerIssue('error', reason);
    this.commandFailures.push(reason);
  }

  /**
   * A warning or error the runner itself adds to the step (shown like an annotation).
   * @param {'error' | 'warning'} level
   * @param {string} message
   */
  runnerIssue(level, message) {
    this.annotations.push({ level, message });
    this.#log(`##[${level}]${message}`);
  }

  /** @param {string} line */
  #log(line) {
    this.logLines.push(this.masker.mask(line));
  }
}

/** @param {WorkflowCommand} command @returns {Annotation} */
function annotationOf({ command, properties, message }) {
  /** @type {Annotation} */
  const annotation = { level: /** @type {Annotation['level']} */ (command), message };
  if (properties.file !== undefined) annotation.file = properties.file;
  if (properties.title !== undefined) annotation.title = properties.title;
  for (const key of /** @type {const} */ (['line', 'endLine', 'col', 'endColumn'])) {
    if (properties[key] !== undefined) annotation[key] = Number(properties[key]);
  }
  return annotation;
}

/**
 * The commands the runner would process in a piece of stdout (a fresh step, no masks yet).
 * @param {string} stdout
 * @returns {WorkflowCommand[]}
 */
export function parseWorkflowCommands(stdout) {
  const processor = new StepOutputProcessor(new SecretMasker());
  for (const line of splitLines(stdout)) processor.processLine(line, 'stdout');
  return processor.commands.map(({ command, properties, message }) => ({
    command,
    properties,
    message,
  }));
}

/**
 * @param {WorkflowCommand[]} commands
 * @returns {Annotation[]}
 */
export function annotationsFrom(commands) {
  return commands.filter((c) => ANNOTATION_LEVELS.includes(c.command)).map(annotationOf);
}

/** @param {string} text */
function splitLines(text) {
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * Splits a stream into lines as they arrive, the way the runner's process invoker reads them;
 * `flush` gives the last line when the stream ends without a newline.
 */
export class LineSplitter {
  #pending = '';
  /** @param {(line: string) => void} onLine */
  constructor(onLine) {
    this.onLine = onLine;
  }

  /** @param {string} chunk */
  push(chunk) {
    const parts = (this.#pending + chunk).split('\n');
    this.#pending = parts.pop() ?? '';
    for (const part of parts) this.onLine(part.endsWith('\r') ? part.slice(0, -1) : part);
  }

  flush() {
    if (this.#pending !== '') this.onLine(this.#pending);
    this.#pending = '';
  }
}

/**
 * The file format the runner reads: `name=value` lines, or `name<<DELIMITER` heredocs.
 * @param {string} text
 * @returns {Record<string, string>}
 */
export function parseKeyValueFile(text) {
  /** @type {Record<string, string>} */
  const result = {};
  const lines = text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    const separator = line.indexOf('=');
    if (heredoc && (separator < 0 || separator > line.indexOf('<<'))) {
      const [, name, delimiter] = heredoc;
      const end = lines.indexOf(delimiter, index + 1);
      if (end < 0) throw new Error(`Unterminated value for '${name}' (no line '${delimiter}')`);
      result[name] = lines.slice(index + 1, end).join('\n');
      index = end;
      continue;
    }
    if (separator <= 0) throw new Error(`Malformed line in runner file: ${line}`);
    result[line.slice(0, separator)] = line.slice(separator + 1);
  }
  return result;
}
