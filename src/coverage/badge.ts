/**
 * A flat SVG badge ("coverage | 87.5%") that a repository can commit or publish, in the look people
 * know from shields.io: a grey label, a value coloured by how good the number is.
 */

export interface BadgeOptions {
  /** Digits after the point (default 1). The value is cut, not rounded, so it never overstates. */
  decimals?: number;
  /** A CSS colour that replaces the one picked by thresholds. */
  color?: string;
}

export const BADGE_COLORS = {
  brightgreen: '#4c1',
  green: '#97ca00',
  yellow: '#dfb317',
  orange: '#fe7d37',
  red: '#e05d44',
  grey: '#9f9f9f',
} as const;
export type BadgeColorName = keyof typeof BADGE_COLORS;

const LABEL_COLOR = '#555';
const HEIGHT = 20;
/** Room on each side of a text. */
const PADDING = 6;
const FONT_SIZE = 11;

/** Thresholds from the top: the first one the percentage reaches names the colour. */
const THRESHOLDS: Array<[number, BadgeColorName]> = [
  [90, 'brightgreen'],
  [75, 'green'],
  [60, 'yellow'],
  [40, 'orange'],
];

export function badgeColor(percent: number | undefined): BadgeColorName {
  if (percent === undefined || !Number.isFinite(percent)) return 'grey';
  return THRESHOLDS.find(([minimum]) => percent >= minimum)?.[1] ?? 'red';
}

/**
 * Advance widths in pixels at 11px of the sans-serif faces badges are set in (Verdana and its
 * fallbacks are wide): measured per group of similar glyphs rather than per glyph, which keeps the
 * text inside its box to within a pixel or two for the labels badges carry.
 */
const WIDTH_GROUPS: Array<[string, number]> = [
  ["il|!'.,:;", 3.1],
  ['fjt()[]{}/\\`" ', 4.1],
  ['rI-', 4.7],
  ['sczJ', 5.8],
  ['*^', 6.3],
  ['abdeghknopquvxy?_$#0123456789', 6.9],
  ['FLTPSEZ', 7.3],
  ['ABCKRVXY<>=+~', 7.7],
  ['DGHNOQU&', 8.4],
  ['w', 9.0],
  ['M', 9.4],
  ['m', 10.7],
  ['W%@', 11.6],
];
const CHAR_WIDTHS = new Map<string, number>(
  WIDTH_GROUPS.flatMap(([chars, width]) => [...chars].map((char) => [char, width] as const)),
);
/** Letters outside the table (accents, other scripts) are taken as wide, so they never overflow. */
const FALLBACK_WIDTH = 8.6;
const WIDE_FALLBACK_WIDTH = 11.6;

export function textWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const known = CHAR_WIDTHS.get(char);
    if (known !== undefined) width += known;
    else width += char.codePointAt(0)! > 0x2e80 ? WIDE_FALLBACK_WIDTH : FALLBACK_WIDTH;
  }
  return Math.ceil(width);
}

export function formatPercent(percent: number | undefined, decimals = 1): string {
  if (percent === undefined || !Number.isFinite(percent)) return 'unknown';
  const scale = 10 ** decimals;
  // A tiny epsilon keeps 12.3 from being cut to 12.29 by binary floating point.
  const cut = Math.floor(percent * scale + 1e-9) / scale;
  return `${Number.isInteger(cut) ? cut.toFixed(0) : cut.toFixed(decimals)}%`;
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Characters XML 1.0 cannot carry at all, even escaped. */
function stripInvalidXml(text: string): string {
  return text.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '');
}

/** `percent` is 0–100, or undefined when there is nothing to measure (a grey "unknown"). */
export function renderBadge(
  label: string,
  percent: number | undefined,
  options: BadgeOptions = {},
): string {
  if (percent !== undefined && Number.isFinite(percent) && (percent < 0 || percent > 100)) {
    throw new RangeError(`A coverage badge shows 0 to 100 percent, got ${percent}.`);
  }
  const labelText = stripInvalidXml(label);
  const valueText = formatPercent(percent, options.decimals ?? 1);
  const color = options.color ?? BADGE_COLORS[badgeColor(percent)];
  const labelWidth = textWidth(labelText) + 2 * PADDING;
  const valueWidth = textWidth(valueText) + 2 * PADDING;
  const width = labelWidth + valueWidth;
  const title = escapeXml(`${labelText}: ${valueText}`);
  const text = (content: string, center: number) => {
    const escaped = escapeXml(content);
    return (
      `<text x="${center}" y="15" fill="#010101" fill-opacity=".3">${escaped}</text>` +
      `<text x="${center}" y="14">${escaped}</text>`
    );
  };
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${HEIGHT}" role="img" aria-label="${title}">`,
    `<title>${title}</title>`,
    '<linearGradient id="shine" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>',
    `<clipPath id="round"><rect width="${width}" height="${HEIGHT}" rx="3" fill="#fff"/></clipPath>`,
    '<g clip-path="url(#round)">',
    `<rect width="${labelWidth}" height="${HEIGHT}" fill="${LABEL_COLOR}"/>`,
    `<rect x="${labelWidth}" width="${valueWidth}" height="${HEIGHT}" fill="${escapeXml(color)}"/>`,
    `<rect width="${width}" height="${HEIGHT}" fill="url(#shine)"/>`,
    '</g>',
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="${FONT_SIZE}">`,
    text(labelText, labelWidth / 2),
    text(valueText, labelWidth + valueWidth / 2),
    '</g>',
    '</svg>',
    '',
  ].join('\n');
}
