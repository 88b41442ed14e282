/**
 * Bundles read as syntax trees, for tests that check how a bundle's code is laid out (which
 * functions sit in parentheses), where a text search would be fooled by strings and minification.
 */
import { parse } from 'acorn';

/** A node of acorn's syntax tree, read loosely: a test looks at a few fields. */
export interface AstNode {
  type: string;
  [field: string]: unknown;
}

/** Every node of a module's code, parentheses kept as ParenthesizedExpression nodes. */
export function astNodes(code: string): AstNode[] {
  const root = parse(code, { ecmaVersion: 'latest', sourceType: 'module', preserveParens: true });
  const nodes: AstNode[] = [];
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const node = pending.pop();
    if (!isNode(node)) continue;
    nodes.push(node);
    for (const value of Object.values(node))
      pending.push(...(Array.isArray(value) ? value : [value]));
  }
  return nodes;
}

/**
 * The module factories of a bundle (the function-valued properties, not methods, of an object whose
 * keys are all numbers: webpack's module table), and whether each sits in parentheses.
 */
export function moduleFactories(code: string): Array<{ id: number; parenthesised: boolean }> {
  return astNodes(code).flatMap((node) => {
    if (node.type !== 'ObjectExpression') return [];
    const properties = node.properties as AstNode[];
    const factories = properties.map((property) => {
      const key = property.key as AstNode | undefined;
      let value = property.value as AstNode | undefined;
      const parenthesised = value?.type === 'ParenthesizedExpression';
      if (parenthesised) value = value!.expression as AstNode;
      const isFactory =
        property.kind === 'init' &&
        property.method !== true &&
        typeof key?.value === 'number' &&
        /^(Arrow)?FunctionExpression$/.test(value?.type ?? '');
      return isFactory ? { id: key!.value as number, parenthesised } : undefined;
    });
    return properties.length > 0 && factories.every((factory) => factory !== undefined)
      ? factories
      : [];
  });
}

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as AstNode).type === 'string';
}
