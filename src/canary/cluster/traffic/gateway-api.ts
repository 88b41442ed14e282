/**
 * Gateway API: every HTTPRoute rule that sends traffic to the stable Service gets the canary
 * Service beside it, and the stable backend's share is split between the two. HTTPRoute is a
 * custom resource, so changes go in as merge patches (which replace `rules` as a whole).
 */
import { isDeepStrictEqual } from 'node:util';
import { ActionError } from '../../../core/errors.js';
import type { Kubectl } from '../../../core/kubectl.js';
import type { TrafficMode } from '../../types.js';
import {
  canaryServiceName,
  checkWeight,
  missingRoute,
  share,
  type RouterOptions,
  type TrafficProvider,
} from './index.js';

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

interface HttpRoute {
  metadata: { namespace?: string };
  spec: { rules?: Rule[] };
}

interface RoutesSnapshot {
  rules: Rule[];
}

export class GatewayApiProvider implements TrafficProvider {
  readonly mode: TrafficMode = 'gateway-api';
  private readonly kindName: string;
  private readonly canary: string;
  private original: Rule[] | undefined;
  private routeNamespace: string | undefined;
  private prepared = false;

  constructor(
    private readonly kubectl: Kubectl,
    private readonly options: RouterOptions,
  ) {
    this.kindName = `httproute.gateway.networking.k8s.io/${options.route}`;
    this.canary = canaryServiceName(options.service);
    this.original = isRoutesSnapshot(options.snapshot) ? options.snapshot.rules : undefined;
  }

  async prepare(): Promise<void> {
    const live = await this.read();
    if (!live) throw missingRoute('HTTPRoute', this.options.route, this.options.service);
    this.original ??= this.strip(live.spec.rules ?? []);
    if (!this.original.some((rule) => this.stableRefs(rule).length > 0)) {
      throw new ActionError(
        `HTTPRoute '${this.options.route}' has no rule with a backendRef to Service '${this.options.service}', so no traffic could be shifted.`,
        `Point 'route' at the HTTPRoute whose backendRefs name '${this.options.service}', or fix 'service'.`,
      );
    }
    this.prepared = true;
  }

  async setWeight(weight: number): Promise<number> {
    checkWeight(weight);
    if (!this.prepared) await this.prepare();
    const rules = (this.original ?? []).map((rule) => this.split(rule, weight));
    await this.kubectl.patch(this.kindName, 'merge', { spec: { rules } });
    return this.weightIn(rules);
  }

  async restoreStable(): Promise<void> {
    const live = await this.read();
    if (!live) return;
    const current = live.spec.rules ?? [];
    const wanted = this.original ?? this.strip(current);
    if (isDeepStrictEqual(current, wanted)) return;
    await this.kubectl.patch(this.kindName, 'merge', { spec: { rules: wanted } });
  }

  async canaryWeight(): Promise<number> {
    const live = await this.read();
    return live ? this.weightIn(live.spec.rules ?? []) : 0;
  }

  objects(): string[] {
    return [];
  }

  snapshot(): RoutesSnapshot | undefined {
    return this.original ? { rules: structuredClone(this.original) } : undefined;
  }

  private async read(): Promise<HttpRoute | undefined> {
    const route = await this.kubectl.getIfExists<HttpRoute>(this.kindName);
    this.routeNamespace ??= route?.metadata.namespace ?? this.options.namespace;
    return route;
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
  private split(rule: Rule, weight: number): Rule {
    if (this.stableRefs(rule).length === 0) return rule;
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

  /** The route as it was before any split: canary backends folded back into stable. */
  private strip(rules: Rule[]): Rule[] {
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

  private weightIn(rules: Rule[]): number {
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

function isRoutesSnapshot(value: unknown): value is RoutesSnapshot {
  return (
    typeof value === 'object' && value !== null && Array.isArray((value as RoutesSnapshot).rules)
  );
}
