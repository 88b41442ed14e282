/**
 * Istio: every HTTP route of the VirtualService whose destinations include the stable Service's
 * host gets the canary Service's host beside it, and the stable destination's weight is split
 * between the two.
 */
import { ActionError } from '../../../core/errors.js';
import type { Kubectl } from '../../../core/kubectl.js';
import type { TrafficMode } from '../../types.js';
import { share, type RouterOptions } from './index.js';
import { SplitRouteProvider } from './split-route.js';
import { routeKind } from './traffic-modes.js';

interface Destination {
  destination: { host: string; subset?: string; [field: string]: unknown };
  weight?: number;
  [field: string]: unknown;
}

interface HttpRoute {
  route?: Destination[];
  [field: string]: unknown;
}

/** Istio's weights are percentages: a lone destination without one gets everything. */
const WHOLE = 100;

export class IstioProvider extends SplitRouteProvider<HttpRoute> {
  readonly mode: TrafficMode = 'istio';

  constructor(kubectl: Kubectl, options: RouterOptions) {
    super(kubectl, options, {
      resource: 'virtualservice.networking.istio.io',
      kind: routeKind('istio'),
      field: 'http',
      noStableRoute: ({ route, service }) =>
        new ActionError(
          `VirtualService '${route}' has no HTTP route to host '${service}' (or its .svc.cluster.local name), so no traffic could be shifted.`,
          `Point 'route' at the VirtualService whose http routes send to '${service}', or fix 'service'.`,
        ),
    });
  }

  protected reachesStable(route: HttpRoute): boolean {
    return this.stableDestinations(route).length > 0;
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

  protected split(route: HttpRoute, weight: number): HttpRoute {
    const destinations = route.route ?? [];
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

  protected strip(http: HttpRoute[]): HttpRoute[] {
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

  protected weightIn(http: HttpRoute[]): number {
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
