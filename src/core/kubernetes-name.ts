/**
 * Kubernetes object names, as Kubernetes validates them (k8s.io/apimachinery validation):
 *
 * - `label`: a DNS-1123 label (RFC 1123): at most 63 lowercase letters, digits and '-', starting
 *   and ending with a letter or digit. Namespaces, containers, and most names that end up in a
 *   label value or a DNS name.
 * - `subdomain`: a DNS-1123 subdomain: DNS-1123 labels joined by '.', at most 253 characters.
 *   Deployments, StatefulSets, DaemonSets, ConfigMaps, HTTPRoutes, Ingresses.
 * - `label-1035`: a DNS-1035 label (RFC 1035): a DNS-1123 label that starts with a letter.
 *   Services.
 *
 * One grammar for every action, so the same name gets the same answer everywhere.
 */
import { InputError } from './errors.js';

export type KubernetesNameKind = 'label' | 'subdomain' | 'label-1035';

const MAX_LENGTH: Record<KubernetesNameKind, number> = {
  label: 63,
  subdomain: 253,
  'label-1035': 63,
};

const DESCRIPTION: Record<KubernetesNameKind, string> = {
  label:
    "a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit)",
  subdomain:
    "a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit)",
  'label-1035':
    "a DNS-1035 label (lowercase letters, digits and '-', starting with a letter and ending with a letter or digit)",
};

export interface KubernetesNameRule {
  kind: KubernetesNameKind;
  /** A tighter limit than Kubernetes' own, e.g. when a suffix is appended to the name. */
  maxLength?: number;
}

/** What Kubernetes calls the grammar, with its limit: for messages and docs. */
export function describeKubernetesName(rule: KubernetesNameRule): string {
  const max = Math.min(rule.maxLength ?? Infinity, MAX_LENGTH[rule.kind]);
  return `${DESCRIPTION[rule.kind]}, at most ${max} characters`;
}

/** Why `name` is not a valid name of that kind, or undefined when it is. */
export function kubernetesNameProblem(name: string, rule: KubernetesNameRule): string | undefined {
  const max = Math.min(rule.maxLength ?? Infinity, MAX_LENGTH[rule.kind]);
  if (name === '') return 'it is empty';
  if (name.length > max) return `it is ${name.length} characters long, the limit is ${max}`;
  if (/[A-Z]/.test(name) && kubernetesNameProblem(name.toLowerCase(), rule) === undefined) {
    return `it has uppercase letters ('${name.toLowerCase()}' would do)`;
  }
  const bad = /[^a-z0-9.-]/.exec(name) ?? (rule.kind === 'subdomain' ? null : /\./.exec(name));
  if (bad) return `it contains '${bad[0]}'`;
  const parts = rule.kind === 'subdomain' ? name.split('.') : [name];
  for (const part of parts) {
    if (part === '') return 'it has an empty part between dots, or starts or ends with a dot';
    if (!/^[a-z0-9]/.test(part) || !/[a-z0-9]$/.test(part)) {
      return rule.kind === 'subdomain'
        ? `its part '${part}' must start and end with a letter or digit`
        : 'it must start and end with a letter or digit';
    }
  }
  if (rule.kind === 'label-1035' && !/^[a-z]/.test(name)) return 'it must start with a letter';
  return undefined;
}

/** True when `name` is valid for the rule. */
export function isKubernetesName(name: string, rule: KubernetesNameRule): boolean {
  return kubernetesNameProblem(name, rule) === undefined;
}

/**
 * Checks the name an input gives; a bad one is an InputError naming the input, what it must be
 * (`what`, e.g. "a namespace name") and why this value is not.
 */
export function checkKubernetesNameInput(
  input: string,
  name: string,
  rule: KubernetesNameRule & { what: string; example: string },
): string {
  const problem = kubernetesNameProblem(name, rule);
  if (problem === undefined) return name;
  throw new InputError(
    input,
    `must be ${rule.what}, ${describeKubernetesName(rule)}; '${name}' is not: ${problem}.`,
    rule.example,
  );
}
