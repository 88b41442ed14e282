/**
 * The one place canary object names are made. Everything a canary run creates is named after the
 * stable object it stands beside plus one suffix, so the revert, the post step, the metrics
 * queries and a later job all find the same objects, and input checks can leave room for it.
 */

/** Appended to a stable object's name to name its canary twin. */
export const CANARY_SUFFIX = '-canary';

/** The canary twin of any stable object (a ConfigMap or Secret copy, a canary Ingress, …). */
export function canaryCopyName(stableName: string): string {
  return `${stableName}${CANARY_SUFFIX}`;
}

/** The canary Deployment of stable Deployment `deployment`; it carries the run's state. */
export function canaryName(deployment: string): string {
  return canaryCopyName(deployment);
}

/** The Service that selects only the canary's pods (router modes). */
export function canaryServiceName(service: string): string {
  return canaryCopyName(service);
}

/** The longest stable name whose canary twin still fits in `limit` characters. */
export function roomForSuffix(limit: number): number {
  return limit - CANARY_SUFFIX.length;
}
