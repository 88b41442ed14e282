import { describe, expect, it } from 'vitest';
import { splitCommandLine } from '../../src/core/command-line.js';

describe('splitCommandLine', () => {
  it.each([
    [
      'cargo clippy --all-targets -- -D warnings',
      { program: 'cargo', args: ['clippy', '--all-targets', '--', '-D', 'warnings'] },
    ],
    [
      `pytest -k "slow and not flaky" 'tests/a b.py'`,
      { program: 'pytest', args: ['-k', 'slow and not flaky', 'tests/a b.py'] },
    ],
    [
      'pytest --junitxml=$OUT/junit.xml',
      { program: 'pytest', args: ['--junitxml=/tmp/out/junit.xml'] },
    ],
    ['echo $UNSET_VARIABLE_X', { program: 'echo', args: [''] }],
    [
      'npx eslint src/**/*.ts -f json',
      { program: 'npx', args: ['eslint', 'src/**/*.ts', '-f', 'json'] },
    ],
    ['cargo fmt --check # formatting', { program: 'cargo', args: ['fmt', '--check'] }],
    ['echo `id`', { program: 'echo', args: ['`id`'] }],
    ['cargo test | tee log', { problem: "uses the shell operator '|'" }],
    ['make lint && make test', { problem: "uses the shell operator '&&'" }],
    ['npm audit --json > audit.json', { problem: "uses the shell operator '>'" }],
    ['echo $(whoami)', { problem: "uses the shell operator '('" }],
    ['   ', { problem: 'is empty' }],
  ])('%j', (commandLine, expected) => {
    expect(splitCommandLine(commandLine, { OUT: '/tmp/out' })).toEqual(expected);
  });
});
