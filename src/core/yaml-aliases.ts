/**
 * Alias bombs, measured without expanding them. An alias shares its anchor's object, so parsing
 * one is cheap, but anything that walks the value (masking a manifest's secrets, substituting
 * images, rendering it for kubectl) visits each repeat and all it holds again: nine levels of nine
 * aliases are 387 million visits from a few lines.
 */

/**
 * How many times larger aliases may make a document. A block used up to 100 times fits, as the
 * `yaml` library's alias limit of 100 allowed; a bomb is thousands of times larger.
 */
export const MAX_ALIAS_GROWTH = 100;
/** A small document may grow by this many values whatever its size. */
export const ALIAS_GROWTH_ALLOWANCE = 1000;

/**
 * Why a parsed value is refused (aliases that would multiply it, or one that contains itself), or
 * undefined. Counts the values a walk that follows every alias would visit against the values
 * written, each object walked once and its expanded size remembered.
 */
export function aliasProblem(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const expandedSizes = new Map<object, number>();
  const open = new Set<object>();
  const stack: Array<{ node: object; children: unknown[]; next: number; size: number }> = [];
  let written = 0;
  let expanded = 0;
  const enter = (node: object) => {
    open.add(node);
    stack.push({ node, children: Object.values(node), next: 0, size: 1 });
    written += 1;
  };
  enter(value);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next < frame.children.length) {
      const child = frame.children[frame.next++];
      if (!isObject(child)) {
        frame.size += 1;
        written += 1;
      } else if (open.has(child)) {
        return 'an alias refers to a node that contains it, which has no end';
      } else if (expandedSizes.has(child)) {
        frame.size += expandedSizes.get(child)!;
      } else {
        enter(child);
      }
      continue;
    }
    stack.pop();
    open.delete(frame.node);
    expandedSizes.set(frame.node, frame.size);
    if (stack.length > 0) stack[stack.length - 1]!.size += frame.size;
    else expanded = frame.size;
  }
  if (expanded <= Math.max(written * MAX_ALIAS_GROWTH, written + ALIAS_GROWTH_ALLOWANCE)) {
    return undefined;
  }
  const growth = expanded / written;
  return `its aliases would make it ${growth >= 1e6 ? 'millions of' : Math.round(growth)} times larger (${written} values written), as an alias bomb does; at most ${MAX_ALIAS_GROWTH} times is accepted`;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
