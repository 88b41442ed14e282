/**
 * Istio: every HTTP route of the VirtualService whose destinations include the stable Service's
 * host gets the canary Service's host beside it, and the stable destination's weight is split
 * between the two. VirtualService is a custom resource, so changes go in as merge patches.
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

interface Destination {
  destination: { host: string; subset?: string; [field: string]: unknown };
  weight?: number;
  [field: string]: unknown;
}

interface HttpRoute {
  route?: Destination[];
  [field: string]: unknown;
}

interface VirtualService {
  metadata: { namespace?: string };
  spec: { http?: HttpRoute[] };
}

interface HttpSnapshot {
  http: HttpRoute[];
}

/** Istio's weights are percentages: a lone destination without one gets everything. */
const WHOLE = 100;

export class IstioProvider implements TrafficProvider {
  readonly mode: TrafficMode = 'istio';
  private readonly kindName: string;
  private readonly canary: string;
  private original: HttpRoute[] | undefined;
  private routeNamespace: string | undefined;
  private prepared = false;

  constructor(
    private readonly kubectl: Kubectl,
    private readonly options: RouterOptions,
  ) {
    this.kindName = `virtualservice.networking.istio.io/${options.route}`;
    this.canary = canaryServiceName(options.service);
    this.original = isHttpSnapshot(options.snapshot) ? options.snapshot.http : undefined;
  }

  async prepare(): Promise<void> {
    const live = await this.read();
    if (!live) throw missingRoute('VirtualService', this.options.route, this.options.service);
    this.original ??= this.strip(live.spec.http ?? []);
    if (!this.original.some((route) => this.stableDestinations(route).length > 0)) {
      throw new ActionError(
        `VirtualService '${this.options.route}' has no HTTP route to host '${this.options.service}' (or its .svc.cluster.local name), so no traffic could be shifted.`,
        `Point 'route' at the VirtualService whose http routes send to '${this.options.service}', or fix 'service'.`,
      );
    }
    this.prepared = true;
  }

  async setWeight(weight: number): Promise<number> {
    checkWeight(weight);
    if (!this.prepared) await this.prepare();
    const http = (this.original ?? []).map((route) => this.split(route, weight));
    await this.kubectl.patch(this.kindName, 'merge', { spec: { http } });
    return this.weightIn(http);
  }

  async restoreStable(): Promise<void> {
    const live = await this.read();
    if (!live) return;
    const current = live.spec.http ?? [];
    const wanted = this.original ?? this.strip(current);
    if (isDeepStrictEqual(current, wanted)) return;
    await this.kubectl.patch(this.kindName, 'merge', { spec: { http: wanted } });
  }

  async canaryWeight(): Promise<number> {
    const live = await this.read();
    return live ? this.weightIn(live.spec.http ?? []) : 0;
  }

  objects(): string[] {
    return [];
  }

  snapshot(): HttpSnapshot | undefined {
    return this.original ? { http: structuredClone(this.original) } : undefined;
  }

  private async read(): Promise<VirtualService | undefined> {
    const service = await this.kubectl.getIfExists<VirtualService>(this.kindName);
    this.routeNamespace ??= service?.metadata.namespace ?? this.options.namespace;
    return service;
  }

  /** `web`, `web.ns`, `web.ns.svc` and `web.ns.svc.cluster.local` all name the same Service. */
  private isHostOf(host: string, service: string): boolean {
    if (host === service) return true;
    const namespace = this.routeNamespace;
    if (!namespace) return false;
    return [`.${namespace}`, `.${namespace}.svc`, `.${namespace}.svc.cluster.local`].some(
      (suffix) => host === `${service}${suffix}`,
    );
  }

  private stableDestinations(route: HttpRoute): Destination[] {
    return (route.route ?? []).filter((entry) =>
      this.isHostOf(entry.destination.host, this.options.service),
    );
  }

  private split(route: HttpRoute, weight: number): HttpRoute {
    const destinations = route.route ?? [];
    if (this.stableDestinations(route).length === 0) return route;
    const lone = destinations.length === 1;
    return {
      ...route,
      route: destinations.flatMap((entry): Destination[] => {
        if (!this.isHostOf(entry.destination.host, this.options.service)) return [entry];
        const base = entry.weight ?? (lone ? WHOLE : 0);
        const canaryWeight = Math.round((base * weight) / 100);
        // Subsets come from a DestinationRule for the stable host; the canary host has none.
        const destination = { ...entry.destination };
        delete destination.subset;
        const host = this.canary + entry.destination.host.slice(this.options.service.length);
        return [
          { ...entry, weight: base - canaryWeight },
          { ...entry, destination: { ...destination, host }, weight: canaryWeight },
        ];
      }),
    };
  }

  /** The routes as they were before any split: canary destinations folded back into stable. */
  private strip(http: HttpRoute[]): HttpRoute[] {
    return http.map((route) => {
      const destinations = route.route ?? [];
      const isCanary = (entry: Destination) => this.isHostOf(entry.destination.host, this.canary);
      const moved = destinations.filter(isCanary).reduce((sum, e) => sum + (e.weight ?? 0), 0);
      if (!destinations.some(isCanary)) return route;
      const kept = destinations.filter((entry) => !isCanary(entry));
      const first = kept.findIndex((e) => this.isHostOf(e.destination.host, this.options.service));
      return {
        ...route,
        route: kept.map((entry, index) => {
          if (index !== first) return entry;
          if (kept.length > 1) return { ...entry, weight: (entry.weight ?? 0) + moved };
          const bare = { ...entry };
          delete bare.weight;
          return bare;
        }),
      };
    });
  }

  private weightIn(http: HttpRoute[]): number {
    for (const route of http) {
      const stable = this.stableDestinations(route);
      if (stable.length === 0) continue;
      const destinations = route.route ?? [];
      const lone = destinations.length === 1;
      const sum = (list: Destination[]) =>
        list.reduce((total, entry) => total + (entry.weight ?? (lone ? WHOLE : 0)), 0);
      const canary = destinations.filter((e) => this.isHostOf(e.destination.host, this.canary));
      return share(sum(canary), sum(stable));
    }
    return 0;
  }
}

function isHttpSnapshot(value: unknown): value is HttpSnapshot {
  return typeof value === 'object' && value !== null && Array.isArray((value as HttpSnapshot).http);
}
