import { describe, expect, it } from 'vitest';
import { escapeUntrusted, UntrustedOutput, withUntrustedOutput } from '../../src/core/log.js';
import { parseWorkflowCommands } from '../support/workflow-commands.js';

describe('escapeUntrusted', () => {
  it.each([
    [
      'a line break that would start a command line',
      'x\n::stop-commands::zzz',
      'x\\n::stop-commands::zzz',
    ],
    ['a leading command', '::add-mask::secret', '\\::add-mask::secret'],
    ['an indented command', '  ::error::x', '  \\::error::x'],
    ['the legacy form anywhere', 'a ##[error]b', 'a ##\\[error]b'],
    ['carriage returns, tabs and escapes', 'a\rb\tc\u001b[31m', 'a\\rb\\tc\\x1b[31m'],
    ['backslashes, so escapes stay unambiguous', 'C:\\n', 'C:\\\\n'],
    ['plain text unchanged', 'src/app/main.ts', 'src/app/main.ts'],
  ])('escapes %s', (_case, text, expected) => {
    expect(escapeUntrusted(text)).toBe(expected);
  });

  it('leaves nothing the runner would read as a command, as a line or within one', () => {
    const hostile = 'dir\n::stop-commands::zzz\n##[add-mask]x\r\n  ::save-state name=a::b';
    expect(parseWorkflowCommands(`Reading ${escapeUntrusted(hostile)}`)).toEqual([]);
    expect(parseWorkflowCommands(escapeUntrusted(hostile))).toEqual([]);
  });
});

describe('UntrustedOutput', () => {
  function capture() {
    const chunks: string[] = [];
    return { chunks, write: (text: string) => void chunks.push(text), text: () => chunks.join('') };
  }

  it('keeps commands off for the output and on again after it', () => {
    const log = capture();
    const output = new UntrustedOutput(log.write);
    output.print('::add-mask::hostile\n::error::also hostile\n');
    output.close();
    const commands = parseWorkflowCommands(`${log.text()}::notice::ours\n`);
    expect(commands.map((c) => c.command)).toEqual(['notice']);
  });

  it('starts the resume marker on its own line when the output ends mid-line', () => {
    const log = capture();
    const output = new UntrustedOutput(log.write);
    output.print('progress 50%');
    output.close();
    const lines = log.text().split('\n');
    expect(lines.at(-3)).toBe('progress 50%');
    expect(lines.at(-2)).toMatch(/^::[0-9a-f-]{36}::$/);
    expect(parseWorkflowCommands(`${log.text()}::notice::ours`)).toHaveLength(1);
  });

  it('closes the block when the body throws', async () => {
    const log = capture();
    await expect(
      withUntrustedOutput(async (print) => {
        print('partial');
        throw new Error('tool crashed');
      }, log.write),
    ).rejects.toThrow('tool crashed');
    expect(parseWorkflowCommands(`${log.text()}::notice::ours`)).toHaveLength(1);
  });
});
