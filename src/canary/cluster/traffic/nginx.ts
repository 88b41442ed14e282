/**
 * ingress-nginx: a second Ingress `<route>-canary` for the same hosts and paths, pointing at the
 * canary Service and marked with the canary annotations, takes `canary-weight` percent. The
 * user's Ingress is never touched, so giving traffic back is deleting the canary Ingress.
 */
import { ActionError } from '../../../core/errors.js';
import type { Kubectl } from '../../../core/kubectl.js';
import type { TrafficMode } from '../../types.js';
import { canaryCopyName, canaryServiceName } from '../../names.js';
import { MANAGED_BY, MANAGED_BY_LABEL, STABLE_LABEL } from '../cluster-state.js';
import {
  checkWeight,
  missingRoute,
  share,
  type RouterOptions,
  type TrafficProvider,
} from './index.js';

export const CANARY_ANNOTATION = 'nginx.ingress.kubernetes.io/canary';
export const CANARY_WEIGHT_ANNOTATION = 'nginx.ingress.kubernetes.io/canary-weight';
const CANARY_WEIGHT_TOTAL_ANNOTATION = 'nginx.ingress.kubernetes.io/canary-weight-total';
const NOT_COPIED = ['kubectl.kubernetes.io/last-applied-configuration'];

interface Backend {
  service?: { name: string; port?: unknown };
  [field: string]: unknown;
}

interface Path {
  backend: Backend;
  [field: string]: unknown;
}

interface Rule {
  host?: string;
  http?: { paths: Path[] };
}

interface Ingress {
  metadata: {
    name: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: { defaultBackend?: Backend; rules?: Rule[]; [field: string]: unknown };
}

export class NginxProvider implements TrafficProvider {
  readonly mode: TrafficMode = 'nginx';
  private readonly canaryIngress: string;
  private original: Ingress | undefined;

  constructor(
    private readonly kubectl: Kubectl,
    private readonly options: RouterOptions,
  ) {
    this.canaryIngress = canaryCopyName(options.route);
  }

  async prepare(): Promise<void> {
    const original = await this.kubectl.getIfExists<Ingress>(`ingress/${this.options.route}`);
    if (!original) throw missingRoute('Ingress', this.options.route, this.options.service);
    if (original.metadata.annotations?.[CANARY_ANNOTATION] === 'true') {
      throw new ActionError(
        `Ingress '${this.options.route}' is itself a canary Ingress (${CANARY_ANNOTATION}: "true").`,
        `Set 'route' to the main Ingress that sends traffic to Service '${this.options.service}'.`,
      );
    }
    if (!this.reachesStable(original)) {
      throw new ActionError(
        `Ingress '${this.options.route}' has no backend that is Service '${this.options.service}', so no traffic could be shifted.`,
        `Point 'route' at the Ingress whose backends name '${this.options.service}', or fix 'service'.`,
      );
    }
    this.original = original;
  }

  async setWeight(weight: number): Promise<number> {
    checkWeight(weight);
    if (!this.original) await this.prepare();
    await this.kubectl.applyObject(this.canaryFrom(this.original as Ingress, weight));
    return weight;
  }

  async restoreStable(): Promise<void> {
    await this.kubectl.deleteIfExists([`ingress/${this.canaryIngress}`]);
  }

  async canaryWeight(): Promise<number> {
    const canary = await this.kubectl.getIfExists<Ingress>(`ingress/${this.canaryIngress}`);
    const annotations = canary?.metadata.annotations ?? {};
    if (annotations[CANARY_ANNOTATION] !== 'true') return 0;
    const weight = Number(annotations[CANARY_WEIGHT_ANNOTATION] ?? 0) || 0;
    const total = Number(annotations[CANARY_WEIGHT_TOTAL_ANNOTATION] ?? 100) || 100;
    return share(Math.min(weight, total), total - Math.min(weight, total));
  }

  objects(): string[] {
    return [`ingress/${this.canaryIngress}`];
  }

  snapshot(): undefined {
    return undefined;
  }

  private isStable(backend: Backend | undefined): boolean {
    return backend?.service?.name === this.options.service;
  }

  private reachesStable(ingress: Ingress): boolean {
    return (
      this.isStable(ingress.spec.defaultBackend) ||
      (ingress.spec.rules ?? []).some((rule) =>
        (rule.http?.paths ?? []).some((path) => this.isStable(path.backend)),
      )
    );
  }

  /** Only the hosts and paths that reach stable, repointed at the canary Service. */
  private canaryFrom(original: Ingress, weight: number): object {
    const repoint = (backend: Backend): Backend => ({
      ...backend,
      service: {
        ...(backend.service ?? { name: '' }),
        name: canaryServiceName(this.options.service),
      },
    });
    const { defaultBackend, rules, ...rest } = original.spec;
    const canaryRules = (rules ?? []).flatMap((rule): Rule[] => {
      const paths = (rule.http?.paths ?? []).filter((path) => this.isStable(path.backend));
      if (paths.length === 0) return [];
      return [
        {
          ...rule,
          http: { paths: paths.map((path) => ({ ...path, backend: repoint(path.backend) })) },
        },
      ];
    });
    const annotations = Object.fromEntries(
      Object.entries(original.metadata.annotations ?? {}).filter(
        ([key]) => !NOT_COPIED.includes(key) && !key.startsWith(CANARY_ANNOTATION),
      ),
    );
    return {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: {
        name: this.canaryIngress,
        labels: { [MANAGED_BY_LABEL]: MANAGED_BY, [STABLE_LABEL]: this.options.deployment },
        annotations: {
          ...annotations,
          [CANARY_ANNOTATION]: 'true',
          [CANARY_WEIGHT_ANNOTATION]: String(weight),
        },
      },
      spec: {
        ...rest,
        ...(this.isStable(defaultBackend) && defaultBackend
          ? { defaultBackend: repoint(defaultBackend) }
          : {}),
        ...(canaryRules.length > 0 ? { rules: canaryRules } : {}),
      },
    };
  }
}
