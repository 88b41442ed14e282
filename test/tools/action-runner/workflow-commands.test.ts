import { describe, expect, it } from 'vitest';
import {
  annotationsFrom,
  parseKeyValueFile,
  parseWorkflowCommands,
  SecretMasker,
  StepOutputProcessor,
} from '../../support/workflow-commands.js';

/** Feeds lines to a fresh step as the runner reads them, stdout unless a line says `err:`. */
function step(lines: string[], masker = new SecretMasker()) {
  const processor = new StepOutputProcessor(masker);
  for (const line of lines) {
    if (line.startsWith('err:')) processor.processLine(line.slice(4), 'stderr');
    else processor.processLine(line, 'stdout');
  }
  return processor;
}

describe('parseWorkflowCommands', () => {
  it('reads annotations with escaped properties and messages', () => {
    const commands = parseWorkflowCommands(
      '::error file=src/a%2Cb.ts,line=3,col=7,title=x%3Ay::first%0Asecond%25\nplain log line\n',
    );
    expect(annotationsFrom(commands)).toEqual([
      {
        level: 'error',
        file: 'src/a,b.ts',
        line: 3,
        col: 7,
        title: 'x:y',
        message: 'first\nsecond%',
      },
    ]);
  });

  it.each([
    ['leading spaces', '   ::error::indented', 'error:indented'],
    ['a leading tab', '\t::warning::tabbed', 'warning:tabbed'],
    ['any case', '::ERROR::shouted', 'error:shouted'],
    ['the legacy form anywhere in a line', 'build step 3 ##[error]legacy', 'error:legacy'],
    ['legacy properties', '##[warning file=a.ts;line=2]w', 'warning:w'],
  ])('recognises a command with %s, as the runner does', (_case, line, expected) => {
    expect(parseWorkflowCommands(line).map((c) => `${c.command}:${c.message}`)).toEqual([expected]);
  });

  it.each([
    ['a name the runner does not know', '::made-up::text'],
    ['a command not at the start of the line', 'output ::error::not a command'],
    ['no closing ::', '::error message'],
    ['an internal command', '::internal-set-repo-path::x'],
  ])('leaves %s as plain text', (_case, line) => {
    expect(parseWorkflowCommands(line)).toEqual([]);
  });

  it('ignores commands between stop-commands and its resume token, as the runner does', () => {
    const stdout = [
      '::stop-commands::tok-1',
      '::error::injected by a test',
      '::add-mask::x',
      '##[warning]legacy injected',
      '  ::tok-1::',
      '::warning::after',
    ].join('\n');
    expect(parseWorkflowCommands(stdout).map((c) => `${c.command}:${c.message}`)).toEqual([
      'warning:after',
    ]);
  });

  it('never resumes after an empty stop token', () => {
    expect(parseWorkflowCommands('::stop-commands::\n::::\n::error::still stopped')).toEqual([]);
  });
});

describe('StepOutputProcessor', () => {
  it('masks a secret only from the line that registered it on', () => {
    const processor = step([
      'token is hunter2-secret',
      '::add-mask::hunter2-secret',
      'token is hunter2-secret',
    ]);
    expect(processor.logLines).toEqual(['token is hunter2-secret', 'token is ***']);
  });

  it('masks the encoded forms of a secret as the runner does', () => {
    const secret = 'p@ss word/with"quotes';
    const processor = step([
      `::add-mask::${secret}`,
      `json ${JSON.stringify(secret)}`,
      `uri ${encodeURIComponent(secret)}`,
      `base64 ${Buffer.from(secret).toString('base64')}`,
    ]);
    for (const line of processor.logLines) expect(line).not.toMatch(/pass|p@ss|ss%20|cEBz/);
  });

  it('shares one masker across stdout and stderr and processes commands from both', () => {
    const processor = step([
      'err:::add-mask::from-stderr',
      'from-stderr on stdout',
      'err:::notice::n',
    ]);
    expect(processor.logLines).toEqual(['*** on stdout', '##[notice]n']);
    expect(processor.commands.map((c) => `${c.stream}:${c.command}`)).toEqual([
      'stderr:add-mask',
      'stderr:notice',
    ]);
  });

  it('logs the stop and resume lines and everything between them as text', () => {
    const processor = step(['::stop-commands::abc', '::error::text', '::abc::', '::error::real']);
    expect(processor.logLines).toEqual([
      '::stop-commands::abc',
      '::error::text',
      '::abc::',
      '##[error]real',
    ]);
    expect(processor.annotations).toEqual([{ level: 'error', message: 'real' }]);
  });

  it('takes outputs and state from the deprecated commands', () => {
    const processor = step(['::set-output name=a::1', '::save-state name=s::2']);
    expect(processor.outputs).toEqual({ a: '1' });
    expect(processor.state).toEqual({ s: '2' });
  });

  it('fails the step on set-env and add-path, which the runner disables', () => {
    const processor = step(['::set-env name=X::1', '::add-path::/tmp']);
    expect(processor.commandFailures).toHaveLength(2);
    expect(processor.annotations[0]).toEqual({
      level: 'error',
      message: "Unable to process command 'set-env' successfully.",
    });
  });

  it('warns on an empty mask instead of masking everything', () => {
    const processor = step(['::add-mask::  ', 'visible']);
    expect(processor.logLines.at(-1)).toBe('visible');
    expect(processor.annotations).toEqual([
      {
        level: 'warning',
        message: "Can't add secret mask for empty string in ##[add-mask] command.",
      },
    ]);
  });
});

describe('parseKeyValueFile', () => {
  it('reads name=value lines and heredoc values', () => {
    expect(parseKeyValueFile('a=1\nb<<EOF_X\nline 1\nline 2\nEOF_X\nc=x<<y\n')).toEqual({
      a: '1',
      b: 'line 1\nline 2',
      c: 'x<<y',
    });
  });

  it('refuses an unterminated heredoc', () => {
    expect(() => parseKeyValueFile('b<<EOF_X\nline\n')).toThrow(/Unterminated value for 'b'/);
  });
});
