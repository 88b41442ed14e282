import { describe, expect, it } from 'vitest';
import { annotationsFrom, parseKeyValueFile, parseWorkflowCommands } from './workflow-commands.js';

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

  it('ignores commands between stop-commands and its resume token, as the runner does', () => {
    const stdout = [
      '::stop-commands::tok-1',
      '::error::injected by a test',
      '::add-mask::x',
      '::tok-1::',
      '::warning::after',
    ].join('\n');
    expect(parseWorkflowCommands(stdout).map((c) => `${c.command}:${c.message}`)).toEqual([
      'warning:after',
    ]);
  });
});

describe('parseKeyValueFile', () => {
  it('reads name=value lines and heredoc values', () => {
    expect(parseKeyValueFile('a=1\nb<<EOF_X\nline 1\nline 2\nEOF_X\n')).toEqual({
      a: '1',
      b: 'line 1\nline 2',
    });
  });

  it('refuses an unterminated heredoc', () => {
    expect(() => parseKeyValueFile('b<<EOF_X\nline\n')).toThrow(/Unterminated value for 'b'/);
  });
});
