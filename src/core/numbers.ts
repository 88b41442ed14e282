/**
 * A whole number with a comma between each group of three digits (1,234,567), as
 * `toLocaleString('en-US')` writes it. Written out because the first locale-aware call makes V8
 * load ICU's data, about 15 ms of a step's start-up, for a comma. Fractions are rounded first.
 */
export function groupDigits(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const rounded = Math.round(value);
  const digits = String(Math.abs(rounded));
  // From 1e21 String() switches to exponent notation; no count we show gets there.
  if (!/^\d+$/.test(digits)) return String(rounded);
  const sign = rounded < 0 ? '-' : '';
  return sign + digits.replace(/\B(?=(\d{3})+$)/g, ',');
}
