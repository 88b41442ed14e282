/**
 * Gateway API: every HTTPRoute rule that sends traffic to the stable Service gets the canary
 * Service beside it, and the stable backend's share is split between the two.
 */
import { ActionError } from '../../../core/errors.js';
import type { Kubectl } from '../../../core/kubectl.js';
import type { TrafficMode } from '../../types.js';
import { share, type RouterOptions } from './index.js';
import { SplitRouteProvider } from './split-route.js';
import { routeKind } from './traffic-modes.js';

interface BackendRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
  weight?: number;
  [field: string]: unknown;
}

interface Rule {
  backendRefs?: BackendRef[];
  [field: string]: unknown;
}

export class GatewayApiProvider extends SplitRouteProvider<Rule> {
  readonly mode: TrafficMode = 'gateway-api';

  constructor(kubectl: Kubectl, options: RouterOptions) {
    super(kubectl, options, {
      resource: 'httproute.gateway.networking.k8s.io',
      kind: routeKind('gateway-api'),
      field: 'rules',
      noStableRoute: ({ route, service }) =>
        new ActionError(
          `HTTPRoute '${route}' has no rule with a backendRef to Service '${service}', so no traffic could be shifted.`,
          `Point 'route' at the HTTPRoute whose backendRefs name '${service}', or fix 'service'.`,
        ),
    });
  }

  protected reachesStable(rule: Rule): boolean {
    return this.stableRefs(rule).length > 0;
  }

  private isServiceRef(ref: BackendRef, name: string): boolean {
    return (
      ref.name === name &&
      (ref.group ?? '') === '' &&
      (ref.kind ?? 'Service') === 'Service' &&
      (ref.namespace === undefined || ref.namespace === this.routeNamespace)
    );
  }

  private stableRefs(rule: Rule): BackendRef[] {
    return (rule.backendRefs ?? []).filter((ref) => this.isServiceRef(ref, this.options.service));
  }

  /**
   * Each stable backend of weight s becomes stable s·(100−w) and canary s·w; any other backends
   * are scaled by 100 so the rule's proportions among them stay as written.
   */
  protected split(rule: Rule, weight: number): Rule {
    const backendRefs = (rule.backendRefs ?? []).flatMap((ref): BackendRef[] => {
      const base = ref.weight ?? 1;
      if (!this.isServiceRef(ref, this.options.service)) return [{ ...ref, weight: base * 100 }];
      return [
        { ...ref, weight: base * (100 - weight) },
        { ...ref, name: this.canary, weight: base * weight },
      ];
    });
    return { ...rule, backendRefs };
  }

  protected strip(rules: Rule[]): Rule[] {
    return rules.map((rule) => {
      const refs = rule.backendRefs ?? [];
      const canaryRefs = refs.filter((ref) => this.isServiceRef(ref, this.canary));
      if (canaryRefs.length === 0) return rule;
      const moved = canaryRefs.reduce((sum, ref) => sum + (ref.weight ?? 1), 0);
      const kept = refs.filter((ref) => !this.isServiceRef(ref, this.canary));
      const backendRefs = kept.map((ref, index) => {
        if (!this.isServiceRef(ref, this.options.service)) return ref;
        const first = kept.findIndex((other) => this.isServiceRef(other, this.options.service));
        const weight = (ref.weight ?? 1) + (index === first ? moved : 0);
        if (kept.length > 1) return { ...ref, weight };
        // Alone in its rule, a backend gets everything whatever its weight: write none, as users do.
        const bare = { ...ref };
        delete bare.weight;
        return bare;
      });
      return { ...rule, backendRefs };
    });
  }

  protected weightIn(rules: Rule[]): number {
    for (const rule of rules) {
      const refs = rule.backendRefs ?? [];
      const stable = this.stableRefs(rule);
      if (stable.length === 0) continue;
      const sum = (list: BackendRef[]) => list.reduce((total, ref) => total + (ref.weight ?? 1), 0);
      return share(sum(refs.filter((ref) => this.isServiceRef(ref, this.canary))), sum(stable));
    }
    return 0;
  }
}
