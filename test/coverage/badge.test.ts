import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import {
  BADGE_COLORS,
  badgeColor,
  formatPercent,
  renderBadge,
  textWidth,
} from '../../src/coverage/badge.js';

interface Element {
  name: string;
  attributes: Record<string, string>;
  text: string;
}

/** Parses the SVG with a real XML parser (throws on anything not well-formed). */
function parseSvg(svg: string): Element[] {
  const parser = new SaxesParser({ xmlns: false });
  const elements: Element[] = [];
  const open: Element[] = [];
  parser.on('error', (error) => {
    throw error;
  });
  parser.on('opentag', (tag) => {
    const element = {
      name: tag.name,
      attributes: { ...tag.attributes } as Record<string, string>,
      text: '',
    };
    elements.push(element);
    open.push(element);
  });
  parser.on('text', (text) => {
    const current = open[open.length - 1];
    if (current) current.text += text;
  });
  parser.on('closetag', () => open.pop());
  parser.write(svg).close();
  return elements;
}

const texts = (svg: string) =>
  parseSvg(svg)
    .filter((e) => e.name === 'text' && e.attributes['fill-opacity'] === undefined)
    .map((e) => e.text);

const fillOfValue = (svg: string) =>
  parseSvg(svg).filter((e) => e.name === 'rect' && e.attributes.x !== undefined)[0]!.attributes
    .fill;

describe('renderBadge', () => {
  it.each([
    { percent: 100, color: 'brightgreen', value: '100%' },
    { percent: 90, color: 'brightgreen', value: '90%' },
    { percent: 89.99, color: 'green', value: '89.9%' },
    { percent: 75, color: 'green', value: '75%' },
    { percent: 74.95, color: 'yellow', value: '74.9%' },
    { percent: 60, color: 'yellow', value: '60%' },
    { percent: 59.9, color: 'orange', value: '59.9%' },
    { percent: 40, color: 'orange', value: '40%' },
    { percent: 39.99, color: 'red', value: '39.9%' },
    { percent: 0, color: 'red', value: '0%' },
    { percent: undefined, color: 'grey', value: 'unknown' },
    { percent: Number.NaN, color: 'grey', value: 'unknown' },
  ] as const)('colours $percent% $color and shows $value', ({ percent, color, value }) => {
    const svg = renderBadge('coverage', percent);
    expect(badgeColor(percent)).toBe(color);
    expect(fillOfValue(svg)).toBe(BADGE_COLORS[color]);
    expect(texts(svg)).toEqual(['coverage', value]);
    const root = parseSvg(svg)[0]!;
    expect(root.name).toBe('svg');
    expect(root.attributes['aria-label']).toBe(`coverage: ${value}`);
  });

  it.each([
    { label: 'a<b & "c" \'d\' >', shown: 'a<b & "c" \'d\' >' },
    { label: '</text><script>alert(1)</script>', shown: '</text><script>alert(1)</script>' },
    { label: 'control\u0001chars\u0008gone', shown: 'controlcharsgone' },
    { label: 'überdeckung ✓', shown: 'überdeckung ✓' },
  ])('escapes the label $label into well-formed XML', ({ label, shown }) => {
    const svg = renderBadge(label, 50);
    expect(texts(svg)).toEqual([shown, '50%']);
    expect(parseSvg(svg).some((e) => e.name === 'script')).toBe(false);
    expect(parseSvg(svg).find((e) => e.name === 'title')!.text).toBe(`${shown}: 50%`);
  });

  it('sizes each half to its text', () => {
    const short = parseSvg(renderBadge('cov', 50))[0]!;
    const long = parseSvg(renderBadge('coverage of the whole monorepo', 50))[0]!;
    expect(Number(long.attributes.width) - Number(short.attributes.width)).toBe(
      textWidth('coverage of the whole monorepo') - textWidth('cov'),
    );
    const rects = parseSvg(renderBadge('coverage', 87.5)).filter((e) => e.name === 'rect');
    const [label, value] = rects.slice(1, 3);
    expect(Number(label!.attributes.width)).toBe(textWidth('coverage') + 12);
    expect(Number(value!.attributes.x)).toBe(Number(label!.attributes.width));
    expect(Number(value!.attributes.width)).toBe(textWidth('87.5%') + 12);
  });

  it('takes a colour and precision from the options', () => {
    const svg = renderBadge('coverage', 87.456, { color: '#123456', decimals: 2 });
    expect(fillOfValue(svg)).toBe('#123456');
    expect(texts(svg)).toEqual(['coverage', '87.45%']);
  });

  it.each([-1, 100.01])('refuses %d percent', (percent) => {
    expect(() => renderBadge('coverage', percent)).toThrow(RangeError);
  });
});

describe('textWidth', () => {
  it.each([
    { narrow: 'iiii', wide: 'mmmm' },
    { narrow: 'llll', wide: 'WWWW' },
    { narrow: '1111', wide: '%%%%' },
    { narrow: 'abc', wide: 'abcé' },
  ])('measures $wide wider than $narrow', ({ narrow, wide }) => {
    expect(textWidth(wide)).toBeGreaterThan(textWidth(narrow));
  });
});

describe('formatPercent', () => {
  it.each([
    { percent: 12.3, decimals: 1, shown: '12.3%' },
    { percent: 99.999, decimals: 1, shown: '99.9%' },
    { percent: 99.999, decimals: 0, shown: '99%' },
    { percent: 50, decimals: 2, shown: '50%' },
    { percent: 0.005, decimals: 2, shown: '0%' },
  ])('shows $percent with $decimals decimals as $shown', ({ percent, decimals, shown }) => {
    expect(formatPercent(percent, decimals)).toBe(shown);
  });
});
