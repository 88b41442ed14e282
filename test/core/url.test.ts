import { describe, expect, it } from 'vitest';
import {
  MAX_LINK_CHARS,
  checkUrlInput,
  httpUrlProblem,
  parseHttpUrl,
  reportLinkOrUndefined,
} from '../../src/core/url.js';

describe('httpUrlProblem', () => {
  it.each<[string, string | undefined]>([
    ['https://ingest.codecov.io', undefined],
    ['http://prometheus.monitoring:9090', undefined],
    ['http://127.0.0.1:8080/path?q=1', undefined],
    ['  https://example.com  ', undefined],
    ['', 'it is empty'],
    ['example.com', 'it has no scheme; start it with https:// or http://'],
    ['/healthz', 'it has no scheme; start it with https:// or http://'],
    ['ftp://example.com', 'its scheme is ftp, not http or https'],
    ['javascript:alert(1)', 'its scheme is javascript, not http or https'],
    ['https://', 'it cannot be parsed as a URL'],
    ['https://exa mple.com', 'it contains whitespace'],
  ])('%j: %s', (text, problem) => {
    expect(httpUrlProblem(text)).toBe(problem);
  });

  it('parses what it accepts', () => {
    expect(parseHttpUrl(' https://a.example/x ')?.href).toBe('https://a.example/x');
    expect(parseHttpUrl('ftp://a.example')).toBeUndefined();
  });
});

describe('checkUrlInput', () => {
  it('names the input, shows the value and a right one', () => {
    expect(() =>
      checkUrlInput('codecov-url', 'ingest', { example: 'https://ingest.codecov.io' }),
    ).toThrow(
      "Input 'codecov-url' must be an http(s) URL; 'ingest' is not: it has no scheme; start it with https:// or http://.",
    );
  });

  it('does not repeat a secret value', () => {
    expect(() =>
      checkUrlInput('notify-webhook', 'hooks.slack.com/T/B/SECRET', {
        example: 'https://x',
        secret: true,
      }),
    ).toThrow(/the value given is not/);
    try {
      checkUrlInput('notify-webhook', 'hooks.slack.com/T/B/SECRET', {
        example: 'https://x',
        secret: true,
      });
    } catch (error) {
      expect((error as Error).message).not.toContain('SECRET');
    }
  });
});

describe('reportLinkOrUndefined', () => {
  it.each<[string, unknown, string | undefined]>([
    [
      'an https link',
      'https://eslint.org/docs/latest/rules/eqeqeq',
      'https://eslint.org/docs/latest/rules/eqeqeq',
    ],
    ['an http link', 'http://127.0.0.1:8080/rules', 'http://127.0.0.1:8080/rules'],
    ['whitespace inside', 'https://example.com/a b', undefined],
    ['a host in capitals is lower-cased', 'https://Example.COM/x', 'https://example.com/x'],
    ['javascript:', 'javascript:alert(1)', undefined],
    ['data:', 'data:text/html,<script>alert(1)</script>', undefined],
    ['a relative path', 'docs/rules/x.md', undefined],
    ['a protocol-relative URL', '//example.com/x', undefined],
    ['credentials in the URL', 'https://token@example.com/x', undefined],
    ['not a string', { href: 'https://example.com' }, undefined],
    ['a huge URL', `https://example.com/${'x'.repeat(MAX_LINK_CHARS)}`, undefined],
  ])('%s', (_case, value, expected) => {
    expect(reportLinkOrUndefined(value)).toBe(expected);
  });
});
