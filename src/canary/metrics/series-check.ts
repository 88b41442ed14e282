import type { PrometheusClient } from './prometheus.js';
import type { SeriesSource } from './sources.js';

/**
 * A warning when no request series match the selector: the comparison would then see no traffic
 * and every step would wait for `min-requests` until its timeout. The usual cause is series that
 * do not carry the Deployment's pod labels (a ServiceMonitor without podTargetLabels, say).
 * Prometheus failing here says nothing: the steps ask again.
 */
export async function missingSeriesWarning(
  client: Pick<PrometheusClient, 'query'>,
  source: SeriesSource,
): Promise<string | undefined> {
  try {
    const found = await client.query(`count(${source.requestSelector})`);
    if ((found[0]?.value ?? 0) > 0) return undefined;
  } catch {
    return undefined;
  }
  return `Prometheus has no series matching ${source.requestSelector}, so the canary would be judged on no traffic. If your series do not carry the stable Deployment's pod labels, set metrics-selector to matchers they do carry, e.g. app="web".`;
}
