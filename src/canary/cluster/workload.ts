/**
 * The canary's workload: a copy of the stable Deployment with the new image and `track: canary`
 * on its pods, and for router modes a Service that selects only those pods.
 */
import { ActionError } from '../../core/errors.js';
import type { Kubectl, RolloutStatus } from '../../core/kubectl.js';
import type { TrafficMode } from '../types.js';
import { canaryName } from '../names.js';
import {
  MANAGED_BY,
  MANAGED_BY_LABEL,
  STABLE_LABEL,
  stateAnnotation,
  type ClusterState,
} from './cluster-state.js';
import type { PodTemplate } from './canary-template.js';

export const TRACK_LABEL = 'track';
const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';

type Labels = Record<string, string>;

export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

interface Container {
  name: string;
  image: string;
}

interface DeploymentSpec {
  replicas?: number;
  paused?: boolean;
  selector: LabelSelector;
  template: { metadata?: { labels?: Labels }; spec: { containers: Container[] } };
  [field: string]: unknown;
}

interface DeploymentObject {
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  spec: DeploymentSpec;
}

export interface StableSnapshot {
  name: string;
  namespace: string | undefined;
  container: string;
  image: string;
  replicas: number;
  podLabels: Labels;
  selector: LabelSelector;
  /** deployment.kubernetes.io/revision; 0 before the controller has set it. */
  revision: number;
  /** The spec the canary copies. */
  spec: DeploymentSpec;
}

export interface ServiceSnapshot {
  name: string;
  selector: Labels;
  ports: ServicePort[];
}

interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
}

export async function readStable(
  kubectl: Kubectl,
  deployment: string,
  container?: string,
  options: { firstWhenUnclear?: boolean } = {},
): Promise<StableSnapshot> {
  const object = await kubectl.getIfExists<DeploymentObject>(`deployment/${deployment}`);
  if (!object) {
    throw new ActionError(
      `Deployment '${deployment}' does not exist in the target namespace.`,
      "Check the 'deployment' and 'namespace' inputs (and the kubeconfig's context).",
    );
  }
  const containers = object.spec.template.spec.containers;
  const names = containers.map((entry) => entry.name);
  const chosen = pickContainer(deployment, containers, container);
  return {
    name: deployment,
    namespace: object.metadata.namespace,
    container: chosen.name,
    image: chosen.image,
    replicas: object.spec.replicas ?? 1,
    podLabels: { ...(object.spec.template.metadata?.labels ?? {}) },
    selector: structuredClone(object.spec.selector),
    revision: Number(object.metadata.annotations?.[REVISION_ANNOTATION] ?? 0) || 0,
    spec: structuredClone(object.spec),
  };

  function pickContainer(name: string, list: Container[], wanted: string | undefined): Container {
    if (wanted !== undefined) {
      const found = list.find((entry) => entry.name === wanted);
      if (found) return found;
      throw new ActionError(
        `Deployment '${name}' has no container '${wanted}'; its containers are: ${names.join(', ')}.`,
        "Set the 'container' input to one of those names.",
      );
    }
    // A release's canary changes the whole template; the container only names what is reported.
    if (list.length === 1 || options.firstWhenUnclear) return list[0];
    throw new ActionError(
      `Deployment '${name}' has ${list.length} containers (${names.join(', ')}), so it is not clear which one gets the new image.`,
      "Set the 'container' input to one of those names.",
    );
  }
}

export async function readService(kubectl: Kubectl, name: string): Promise<ServiceSnapshot> {
  const object = await kubectl.getIfExists<{
    spec: { selector?: Labels; ports?: ServicePort[] };
  }>(`service/${name}`);
  if (!object) {
    throw new ActionError(
      `Service '${name}' does not exist in the target namespace.`,
      "Check the 'service' and 'namespace' inputs: it must be the Service that sends traffic to the stable Deployment.",
    );
  }
  return { name, selector: object.spec.selector ?? {}, ports: object.spec.ports ?? [] };
}

/** The canary's pods carry the stable pods' labels, so dashboards and policies still apply. */
export function canaryPodLabels(stable: Pick<StableSnapshot, 'podLabels'>): Labels {
  return { ...stable.podLabels, [TRACK_LABEL]: 'canary' };
}

/** The canary Deployment's selector: stable's, narrowed to `track: canary`. */
export function canarySelector(stable: StableSnapshot): LabelSelector {
  const selector: LabelSelector = {
    ...structuredClone(stable.selector),
    matchLabels: { ...(stable.selector.matchLabels ?? {}), [TRACK_LABEL]: 'canary' },
  };
  // An expression on `track` was written for stable's pods and could exclude the canary's own.
  const expressions = selector.matchExpressions?.filter((entry) => entry.key !== TRACK_LABEL);
  if (expressions?.length) selector.matchExpressions = expressions;
  else delete selector.matchExpressions;
  return selector;
}

export function ownershipLabels(stable: string): Labels {
  return { [MANAGED_BY_LABEL]: MANAGED_BY, [STABLE_LABEL]: stable };
}

export interface CanaryWorkload {
  stable: StableSnapshot;
  image: string;
  replicas: number;
  state: ClusterState;
  /**
   * A whole release's pod template (references already pointing at the canary's config copies);
   * without it the canary is stable's template with `image` in stable's container.
   */
  template?: PodTemplate;
}

/** Applies the canary Deployment; running it again with the same inputs changes nothing. */
export async function createCanary(kubectl: Kubectl, canary: CanaryWorkload): Promise<string> {
  const { stable } = canary;
  const spec = structuredClone(stable.spec);
  delete spec.paused;
  spec.replicas = canary.replicas;
  spec.selector = canarySelector(stable);
  spec.template = canary.template
    ? {
        ...(structuredClone(canary.template) as unknown as DeploymentSpec['template']),
        metadata: {
          ...(canary.template.metadata ?? {}),
          labels: canaryPodLabels({ podLabels: canary.template.metadata?.labels ?? {} }),
        },
      }
    : {
        ...spec.template,
        metadata: { ...(spec.template.metadata ?? {}), labels: canaryPodLabels(stable) },
        spec: {
          ...spec.template.spec,
          containers: spec.template.spec.containers.map((entry) =>
            entry.name === stable.container ? { ...entry, image: canary.image } : entry,
          ),
        },
      };
  const name = canaryName(stable.name);
  await kubectl.applyObject({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      ...(stable.namespace ? { namespace: stable.namespace } : {}),
      labels: ownershipLabels(stable.name),
      annotations: stateAnnotation(canary.state),
    },
    spec,
  });
  return `deployment/${name}`;
}

export async function scaleCanary(kubectl: Kubectl, stable: string, replicas: number) {
  await kubectl.scale(`deployment/${canaryName(stable)}`, replicas);
}

/** Throws an ActionError when the workload is not rolled out within timeoutMs. */
export async function waitReady(
  kubectl: Kubectl,
  kindName: string,
  timeoutMs: number,
): Promise<RolloutStatus> {
  const status = await kubectl.rolloutStatus(kindName, timeoutMs);
  if (status.done) return status;
  throw new ActionError(
    `${kindName} did not become ready within ${Math.round(timeoutMs / 1000)}s: ${status.message}`,
    `Look at its pods (kubectl describe ${kindName}; kubectl get pods -l ${TRACK_LABEL}=canary) for image pull errors, crashes or failing readiness probes.`,
  );
}

/** For router modes: a Service with stable's ports that selects only the canary's pods. */
export async function createCanaryService(
  kubectl: Kubectl,
  stableService: ServiceSnapshot,
  stableDeployment: string,
): Promise<string> {
  const name = canaryName(stableService.name);
  await kubectl.applyObject({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: ownershipLabels(stableDeployment) },
    spec: {
      selector: { ...stableService.selector, [TRACK_LABEL]: 'canary' },
      ports: stableService.ports.map((port) => {
        const { name: portName, port: number, targetPort, protocol, appProtocol } = port;
        return { name: portName, port: number, targetPort, protocol, appProtocol };
      }),
    },
  });
  return `service/${name}`;
}

function selects(selector: Labels, labels: Labels): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

/**
 * Router modes split traffic between two Services, so the stable one must not also reach the
 * canary's pods; replicas mode relies on the opposite.
 */
export function checkServiceSelection(
  mode: TrafficMode,
  service: ServiceSnapshot,
  stable: StableSnapshot,
): void {
  const selector = Object.entries(service.selector)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const reachesCanary = selects(service.selector, canaryPodLabels(stable));
  if (mode === 'replicas') {
    if (reachesCanary) return;
    throw new ActionError(
      `Service '${service.name}' (selector ${selector || 'none'}) would not select the canary's pods, so in replicas mode the canary would get no traffic.`,
      `Remove '${TRACK_LABEL}' from the Service's selector, or use a router mode (gateway-api, nginx, istio).`,
    );
  }
  if (!reachesCanary) return;
  throw new ActionError(
    `Service '${service.name}' (selector ${selector}) also selects the canary's pods, so in ${mode} mode the canary would get traffic through the stable Service too and the weights would be wrong.`,
    `Add '${TRACK_LABEL}: stable' to the pod labels of Deployment '${stable.name}' (spec.template.metadata.labels) and to the selector of Service '${service.name}', roll that out, then run the canary again. The Deployment's spec.selector can stay as it is.`,
  );
}
