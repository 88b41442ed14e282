/**
 * What the Gateway API and Istio providers share: a custom resource holding a list of routes
 * (HTTPRoute `rules`, VirtualService `http`), of which those reaching the stable Service are split
 * between stable and canary. The list as it was is kept, so every weight is computed from the
 * user's own route and giving traffic back restores it exactly. Custom resources refuse strategic
 * merge patches, so changes go in as merge patches, which replace the list as a whole.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ActionError } from '../../../core/errors.js';
import type { Kubectl } from '../../../core/kubectl.js';
import type { TrafficMode } from '../../types.js';
import { canaryServiceName } from '../../names.js';
import { checkWeight, missingRoute, type RouterOptions } from './index.js';
import type { TrafficProvider } from './index.js';

export interface RouteShape {
  /** kubectl's kind.group, e.g. httproute.gateway.networking.k8s.io. */
  resource: string;
  /** The kind as users know it, for messages. */
  kind: string;
  /** The spec field holding the list of routes. */
  field: string;
  /** The error when no route of the list reaches the stable Service. */
  noStableRoute(options: RouterOptions): ActionError;
}

interface RouteObject<Entry> {
  metadata: { namespace?: string };
  spec: Record<string, Entry[] | undefined>;
}

export abstract class SplitRouteProvider<Entry> implements TrafficProvider {
  abstract readonly mode: TrafficMode;
  protected readonly canary: string;
  /** The route's namespace, which names Services written without one. */
  protected routeNamespace: string | undefined;
  private readonly kindName: string;
  private original: Entry[] | undefined;
  private prepared = false;

  constructor(
    private readonly kubectl: Kubectl,
    protected readonly options: RouterOptions,
    private readonly shape: RouteShape,
  ) {
    this.kindName = `${shape.resource}/${options.route}`;
    this.canary = canaryServiceName(options.service);
    const saved = (options.snapshot as Record<string, unknown> | undefined)?.[shape.field];
    this.original = Array.isArray(saved) ? (saved as Entry[]) : undefined;
  }

  /** Does this route send traffic to the stable Service? */
  protected abstract reachesStable(entry: Entry): boolean;
  /** The route with `weight` percent of the stable share moved to the canary. */
  protected abstract split(entry: Entry, weight: number): Entry;
  /** The routes as they were before any split: canary references folded back into stable. */
  protected abstract strip(entries: Entry[]): Entry[];
  /** The canary's percentage in the first route that reaches stable. */
  protected abstract weightIn(entries: Entry[]): number;

  async prepare(): Promise<void> {
    const live = await this.read();
    if (!live) throw missingRoute(this.shape.kind, this.options.route, this.options.service);
    this.original ??= this.strip(this.entriesOf(live));
    if (!this.original.some((entry) => this.reachesStable(entry))) {
      throw this.shape.noStableRoute(this.options);
    }
    this.prepared = true;
  }

  async setWeight(weight: number): Promise<number> {
    checkWeight(weight);
    if (!this.prepared) await this.prepare();
    const entries = (this.original ?? []).map((entry) =>
      this.reachesStable(entry) ? this.split(entry, weight) : entry,
    );
    await this.kubectl.patch(this.kindName, 'merge', { spec: { [this.shape.field]: entries } });
    return this.weightIn(entries);
  }

  async restoreStable(): Promise<void> {
    const live = await this.read();
    if (!live) return;
    const current = this.entriesOf(live);
    const wanted = this.original ?? this.strip(current);
    if (isDeepStrictEqual(current, wanted)) return;
    await this.kubectl.patch(this.kindName, 'merge', { spec: { [this.shape.field]: wanted } });
  }

  async canaryWeight(): Promise<number> {
    const live = await this.read();
    return live ? this.weightIn(this.entriesOf(live)) : 0;
  }

  objects(): string[] {
    return [];
  }

  snapshot(): Record<string, Entry[]> | undefined {
    return this.original ? { [this.shape.field]: structuredClone(this.original) } : undefined;
  }

  private entriesOf(live: RouteObject<Entry>): Entry[] {
    return live.spec[this.shape.field] ?? [];
  }

  private async read(): Promise<RouteObject<Entry> | undefined> {
    const route = await this.kubectl.getIfExists<RouteObject<Entry>>(this.kindName);
    this.routeNamespace ??= route?.metadata.namespace ?? this.options.namespace;
    return route;
  }
}
