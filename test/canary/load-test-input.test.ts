import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { forgetSecretsForTesting, maskSecrets } from '../../src/core/secrets.js';
import { parseLoadTest, readLoadTest, type LoadTest } from '../../src/canary/load-test-input.js';
import { captureStdout } from '../support/capture-stdout.js';

let dir: string;
/** A PATH with node on it and a directory holding an executable `hit` and a plain `notes.txt`. */
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-load-test-input-'));
  await writeFile(join(dir, 'hit'), '#!/bin/sh\n', { mode: 0o755 });
  await writeFile(join(dir, 'notes.txt'), 'not a program\n');
  await chmod(join(dir, 'notes.txt'), 0o644);
  env = { PATH: [dirname(process.execPath), dir].join(':'), TARGET: 'http://web:8080/' };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  vi.unstubAllEnvs();
  forgetSecretsForTesting();
});

function parse(text: string, rate?: number): LoadTest | undefined {
  return parseLoadTest(text, rate, env, dir);
}

function problemOf(text: string): string {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof InputError) return `${error.message} ${error.hint ?? ''}`;
    throw error;
  }
  throw new Error(`expected an InputError for ${JSON.stringify(text)}`);
}

describe('load-test grammar', () => {
  it.each<[string, number | undefined, LoadTest | undefined]>([
    ['', undefined, undefined],
    ['   \n', undefined, undefined],
    [
      'http://web.production.svc:8080/',
      undefined,
      { kind: 'url', url: 'http://web.production.svc:8080/', ratePerSecond: 20 },
    ],
    [
      '  https://web.example.com/healthz?probe=1 ',
      2.5,
      { kind: 'url', url: 'https://web.example.com/healthz?probe=1', ratePerSecond: 2.5 },
    ],
    ['HTTP://WEB:80', undefined, { kind: 'url', url: 'HTTP://WEB:80', ratePerSecond: 20 }],
    [
      'hit -z 1h -q 5 "http://web:8080/a b"',
      undefined,
      { kind: 'command', program: 'hit', args: ['-z', '1h', '-q', '5', 'http://web:8080/a b'] },
    ],
    [
      // A folded YAML value spans lines; environment variables expand as in quality-gate's run.
      'hit -z 1h\n  $TARGET\n',
      7,
      { kind: 'command', program: 'hit', args: ['-z', '1h', 'http://web:8080/'] },
    ],
    ['./hit', undefined, { kind: 'command', program: './hit', args: [] }],
    [
      `node -e "setInterval(() => fetch('http://web/'), 100)"`,
      undefined,
      {
        kind: 'command',
        program: 'node',
        args: ['-e', `setInterval(() => fetch('http://web/'), 100)`],
      },
    ],
  ])('%j (rate %s)', (text, rate, expected) => {
    expect(parse(text, rate)).toEqual(expected);
  });

  it.each<[string, RegExp]>([
    [
      'ftp://web.example.com/',
      /must be an http\(s\) URL; .*its scheme is ftp.*For example: load-test: http:\/\//,
    ],
    ['https://web.example.com/a b', /contains whitespace/],
    ['http://', /cannot be parsed|no host/],
    [
      'web.production:8080/health',
      /looks like a URL without its scheme.*For example: load-test: http:\/\/web\.production:8080\/health/,
    ],
    [
      'hey -z 1m http://web/ | tee out',
      /uses the shell operator '\|'.*without a shell.*For example: load-test: hey /,
    ],
    ['hit && hit', /uses the shell operator '&&'/],
    ['hit $(id)', /uses the shell operator/],
    ['# only a comment', /is empty/],
    [
      'slipway-no-such-loader -q 5',
      /its program 'slipway-no-such-loader' is not on PATH.*Install it in an earlier step/,
    ],
    ['./notes.txt', /'\.\/notes\.txt' is not an executable file/],
    ['./missing/hit', /'\.\/missing\/hit' is not an executable file/],
  ])('refuses %j, naming the input and a right value', (text, message) => {
    const problem = problemOf(text);
    expect(problem).toMatch(/^Input 'load-test' /);
    expect(problem).toMatch(message);
  });

  it.each([
    ['https://load:50%off@web.example.com/', 'password'],
    ['https://load:pa%E9ss@web.example.com/', 'password'],
    ['https://lo%zzad:secret@web.example.com/', 'user name'],
  ])('refuses %j, whose credentials would fail to decode at the first step', async (text, part) => {
    let problem = '';
    await captureStdout(() => {
      problem = problemOf(text);
    });
    expect(problem).toMatch(
      new RegExp(`^Input 'load-test' has a ${part} in its URL that cannot be decoded`),
    );
    expect(problem).toContain('Write a literal % as %25.');
    expect(problem).toContain('For example: load-test: http://loadtest:pa%25ss@');
    // The value is not repeated: it is a credential.
    expect(problem).not.toMatch(/off|pa%E9ss|secret/);
  });

  it('masks a password given in the URL', async () => {
    await captureStdout(() => parse('https://load:pa%24s@web.example.com/'));
    expect(maskSecrets('pa%24s pa$s')).toBe('*** ***');
  });
});

describe('readLoadTest', () => {
  function withInputs(inputs: Record<string, string>) {
    for (const [name, value] of Object.entries(inputs)) {
      vi.stubEnv(`INPUT_${name.toUpperCase()}`, value);
    }
  }

  it('reads nothing when load-test is empty', async () => {
    withInputs({ 'load-test': '', 'load-test-rate': '' });
    const { commands } = await captureStdout(() => expect(readLoadTest('auto')).toBeUndefined());
    expect(commands).toEqual([]);
  });

  it('reads nothing with mode abort, which runs no step, so a missing load tester cannot stop it', () => {
    withInputs({ 'load-test': 'slipway-no-such-loader -q 5', 'load-test-rate': '0' });
    expect(readLoadTest('abort')).toBeUndefined();
    expect(() => readLoadTest('promote')).toThrow(/load-test/);
  });

  it('reads the rate for a URL', () => {
    withInputs({ 'load-test': 'http://web/', 'load-test-rate': '0.5' });
    expect(readLoadTest('auto')).toEqual({ kind: 'url', url: 'http://web/', ratePerSecond: 0.5 });
  });

  it.each([
    ['0', /must be above 0 requests per second; to send no load, leave load-test empty/],
    ['5000', /must be between 0 and 1000, got 5000/],
    ['ten', /must be a number, got 'ten'/],
  ])('refuses load-test-rate %j', (rate, message) => {
    withInputs({ 'load-test': 'http://web/', 'load-test-rate': rate });
    expect(() => readLoadTest('auto')).toThrow(message);
    try {
      readLoadTest('auto');
    } catch (error) {
      expect((error as InputError).input).toBe('load-test-rate');
      expect((error as InputError).hint).toMatch(/^For example: load-test-rate: \d+/);
    }
  });

  it('warns that a command ignores load-test-rate, and that a rate alone does nothing', async () => {
    withInputs({ 'load-test': `${process.execPath} -v`, 'load-test-rate': '5' });
    const command = await captureStdout(() => readLoadTest('auto'));
    expect(command.commands.map((c) => [c.command, c.message])).toEqual([
      ['warning', expect.stringMatching(/'load-test-rate' is used only when load-test is a URL/)],
    ]);
    withInputs({ 'load-test': '', 'load-test-rate': '5' });
    const alone = await captureStdout(() => readLoadTest('auto'));
    expect(alone.commands.map((c) => c.message)).toEqual([
      expect.stringMatching(/'load-test-rate' does nothing without load-test/),
    ]);
  });
});
