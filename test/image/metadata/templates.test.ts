import { describe, expect, it } from 'vitest';
import { MetadataError } from '../../../src/image/metadata/errors.js';
import {
  checkTemplate,
  dateHelper,
  GLOBAL_EXPRESSIONS,
  renderTemplate,
  type Helpers,
} from '../../../src/image/metadata/templates.js';

/**
 * The template language as metadata-action's Handlebars reads it: these rows pin the edge
 * cases (escapes, whitespace control, comments, quoting) that its users may already rely on.
 */
const site = { input: 'tags', line: 'type=raw,value=…', example: 'type=raw,value={{branch}}' };
const helpers: Helpers = {
  branch: () => 'feature/a&b',
  sha: () => 'abc1234',
  tag: () => '',
  is_default_branch: () => 'true',
  date: dateHelper(new Date('2026-01-09T23:45:00.123Z')),
};

function render(template: string): string {
  checkTemplate(template, GLOBAL_EXPRESSIONS, site);
  return renderTemplate(template, helpers, site);
}

function problemOf(template: string): string {
  try {
    render(template);
  } catch (error) {
    expect(error).toBeInstanceOf(MetadataError);
    return (error as Error).message;
  }
  throw new Error(`expected ${template} to be refused`);
}

describe('templates render as metadata-action renders them', () => {
  it.each<[string, string, string]>([
    ['no template at all', 'plain-text', 'plain-text'],
    ['literal text around expressions', 'app-{{sha}}-x', 'app-abc1234-x'],
    ['spaces inside the braces', '{{  sha  }}', 'abc1234'],
    ['two expressions side by side', '{{is_default_branch}}{{sha}}', 'trueabc1234'],
    ['an empty value', 'v{{tag}}v', 'vv'],
    ['{{…}} escapes as HTML', '{{branch}}', 'feature/a&amp;b'],
    ['{{{…}}} does not escape', '{{{branch}}}', 'feature/a&b'],
    ['{{&…}} does not escape', '{{&branch}}', 'feature/a&b'],
    ['lone braces are text', '{ {{sha}} } }}', '{ abc1234 } }}'],
    ['a backslash makes {{ text', '\\{{sha}}', '{{sha}}'],
    ['escaped text runs to the next {{', 'a\\{{b}}-{{sha}}', 'a{{b}}-abc1234'],
    ['two backslashes: one stays, the expression renders', '\\\\{{sha}}', '\\abc1234'],
    ['a comment renders nothing', 'a{{! note }}b', 'ab'],
    ['a long comment may hold }}', 'a{{!-- x }} y --}}b', 'ab'],
    ['a comment alone takes its spaces', '  {{! note }}  ', ''],
    ['~ trims whitespace on its side', 'a \n {{~sha~}} \t b', 'aabc1234b'],
    ['~ on a triple-stash', 'a {{~{branch}~}} b', 'afeature/a&bb'],
    ['a date format', "{{date 'YYYYMMDD-HHmm'}}", '20260109-2345'],
    ['double quotes', '{{date "YYYY"}}', '2026'],
    ['a quote escaped inside quotes', "{{date 'YYYY[\\'s]'}}", '2026&#x27;s'],
    ['spaces around =', "{{date 'HH' tz = 'Asia/Tokyo'}}", '08'],
    ['a zone in any letter case', "{{date 'HH' tz='asia/tokyo'}}", '08'],
    ['an unquoted format gives ISO 8601', '{{date YYYY}}', '2026-01-09T23:45:00Z'],
    ['a number as format gives ISO 8601 too', '{{date 8}}', '2026-01-09T23:45:00Z'],
    ['no format', "{{date tz='Asia/Kolkata'}}", '2026-01-10T05:15:00+05:30'],
  ])('%s: %s', (_name, template, rendered) => {
    expect(render(template)).toBe(rendered);
  });
});

describe('templates that are refused name the input, the problem and a right form', () => {
  it.each<[string, string, RegExp]>([
    ['unclosed {{', 'app-{{sha', /does not parse \(the \{\{ opened at character 5 is not closed\)/],
    ['{{{ closed by }}', '{{{branch}}', /does not parse \(expected '\}\}\}' to close '\{\{\{'/],
    ['{{ closed by }}}', '{{branch}}}', /does not parse/],
    [
      'a stray character in the name',
      '{{bra-nch!}}',
      /does not parse \(expected a space or '\}\}'/,
    ],
    ['an unclosed quote', "{{date 'YYYY}}", /does not parse/],
    ['an unclosed comment', 'a{{!-- note', /does not parse \(the comment opened at character 2/],
    ['nothing inside the braces', '{{ }}', /does not parse \(expected a name/],
    ['an argument after key=value', "{{date tz='UTC' 'YYYY'}}", /an argument after key=value/],
    [
      'an unknown helper',
      '{{brnach}}',
      /uses \{\{brnach\}\}, which is unknown here; known: \{\{branch\}\}/,
    ],
    ['a block', '{{#if branch}}x{{/if}}', /template construct that is not supported here/],
    ['a partial', '{{> other}}', /template construct that is not supported here/],
    ['a sub-expression', '{{date (branch)}}', /template construct that is not supported here/],
    [
      'a zone that is not quoted',
      '{{date tz=UTC}}',
      /uses tz=UTC in \{\{date\}\}, which is not an IANA/,
    ],
    ['a fixed offset is no zone name', "{{date tz='+09:00'}}", /tz='\+09:00' in \{\{date\}\}/],
  ])('%s: %s', (_name, template, problem) => {
    const message = problemOf(template);
    expect(message).toMatch(problem);
    expect(message).toMatch(/tags/);
  });

  it('carry the example of a right value', () => {
    expect(() => render('{{sha')).toThrow(
      expect.objectContaining({ example: 'type=raw,value={{branch}}' }),
    );
  });
});
