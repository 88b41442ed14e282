// @ts-check
/**
 * The HorizontalPodAutoscaler controller, with simulated load. There is no metrics server, so
 * what the metrics would recommend is written on the HPA itself, in the annotation
 * `kube-sim.slipway.dev/recommended-replicas: "N"`. Every pass sets the target's replicas to that
 * recommendation clamped to [minReplicas, maxReplicas]; without one the target's replicas are only
 * clamped, as the real controller does before it reads any metric. There is no stabilization
 * window and `behavior` is not applied: a test sees the effect of a changed bound at once.
 */
import { canonicalJson } from './hash.js';
import { isoSeconds } from './events.js';
import { isRetryable } from './replicaset-controller.js';
import { kindByResource, qualifiedName } from './resources.js';

export const RECOMMENDATION_ANNOTATION = 'kube-sim.slipway.dev/recommended-replicas';

const COMPONENT = 'horizontal-pod-autoscaler';

/** scaleTargetRef kinds the simulator can scale, by kind name. */
const TARGETS = {
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  ReplicaSet: 'replicasets',
};

/** @param {any} hpa @returns {number | undefined} */
function recommendation(hpa) {
  const text = hpa.metadata.annotations?.[RECOMMENDATION_ANNOTATION];
  if (typeof text !== 'string' || !/^\d+$/.test(text.trim())) return undefined;
  return Number(text.trim());
}

/**
 * @param {string} type @param {boolean} ok @param {string} reason @param {string} message
 * @returns {{ type: string, status: string, reason: string, message: string }}
 */
function condition(type, ok, reason, message) {
  return { type, status: ok ? 'True' : 'False', reason, message };
}

/**
 * @param {{ store: any, now: () => number, recorder: import('./events.js').EventRecorder, retry: () => void }} context
 */
export function createHpaController({ store, now, recorder, retry }) {
  /**
   * What the controller decides for one HPA: the status it should have, and the replicas to give
   * the target (undefined: leave them).
   * @param {any} hpa
   * @returns {{ status: Record<string, any>, conditions: ReturnType<typeof condition>[], scaleTo?: number, target?: any, resource?: string, reason?: string }}
   */
  function decide(hpa) {
    const previous = hpa.status ?? {};
    const ref = hpa.spec?.scaleTargetRef ?? {};
    const resource = TARGETS[/** @type {keyof typeof TARGETS} */ (ref.kind)];
    const kind = resource ? kindByResource(resource) : undefined;
    const target = kind ? store.get(resource, hpa.metadata.namespace, ref.name) : undefined;
    const base = {
      currentReplicas: previous.currentReplicas ?? 0,
      desiredReplicas: previous.desiredReplicas ?? 0,
      ...(previous.lastScaleTime ? { lastScaleTime: previous.lastScaleTime } : {}),
    };
    if (!kind || !target) {
      const what = kind
        ? `${qualifiedName(kind)} "${ref.name}" not found`
        : `no matches for kind "${ref.kind}" in group "${String(ref.apiVersion ?? '').split('/')[0]}"`;
      return {
        status: base,
        conditions: [
          condition(
            'AbleToScale',
            false,
            'FailedGetScale',
            `the HPA controller was unable to get the target's current scale: ${what}`,
          ),
        ],
      };
    }
    const current = target.spec?.replicas ?? 1;
    const min = hpa.spec.minReplicas ?? 1;
    const max = hpa.spec.maxReplicas ?? min;
    const got = condition(
      'AbleToScale',
      true,
      'SucceededGetScale',
      "the HPA controller was able to get the target's current scale",
    );
    if (current === 0 && min !== 0) {
      return {
        status: { ...base, currentReplicas: 0, desiredReplicas: 0 },
        conditions: [
          got,
          condition(
            'ScalingActive',
            false,
            'ScalingDisabled',
            'scaling is disabled since the replica count of the target is zero',
          ),
        ],
      };
    }
    const recommended = recommendation(hpa);
    const wanted = recommended ?? current;
    const desired = Math.min(max, Math.max(min, wanted));
    const active =
      recommended === undefined
        ? condition(
            'ScalingActive',
            false,
            'FailedGetResourceMetric',
            `the HPA was unable to compute the replica count: no recommendation in the ${RECOMMENDATION_ANNOTATION} annotation`,
          )
        : condition(
            'ScalingActive',
            true,
            'ValidMetricFound',
            `the HPA was able to successfully calculate a replica count from the ${RECOMMENDATION_ANNOTATION} annotation`,
          );
    let limited = condition(
      'ScalingLimited',
      false,
      'DesiredWithinRange',
      'the desired count is within the acceptable range',
    );
    if (wanted < min) {
      limited = condition(
        'ScalingLimited',
        true,
        'TooFewReplicas',
        'the desired replica count is less than the minimum replica count',
      );
    } else if (wanted > max) {
      limited = condition(
        'ScalingLimited',
        true,
        'TooManyReplicas',
        'the desired replica count is more than the maximum replica count',
      );
    }
    const rescale = desired !== current;
    const able = rescale
      ? condition(
          'AbleToScale',
          true,
          'SucceededRescale',
          `the HPA controller was able to update the target scale to ${desired}`,
        )
      : condition('AbleToScale', true, 'ReadyForNewScale', 'recommended size matches current size');
    let reason = 'All metrics below target';
    if (wanted < min) reason = 'Current number of replicas below Spec.MinReplicas';
    else if (wanted > max) reason = 'Current number of replicas above Spec.MaxReplicas';
    else if (desired > current) reason = 'All metrics above target';
    return {
      status: {
        ...base,
        currentReplicas: current,
        desiredReplicas: desired,
        ...(rescale ? { lastScaleTime: isoSeconds(now()) } : {}),
      },
      conditions: [able, active, limited],
      ...(rescale ? { scaleTo: desired, target, resource, reason } : {}),
    };
  }

  /**
   * A condition keeps its lastTransitionTime while its status stays the same.
   * @param {any[]} previous @param {ReturnType<typeof condition>[]} next
   */
  function withTransitions(previous, next) {
    return next.map((entry) => {
      const before = previous.find((old) => old.type === entry.type);
      const lastTransitionTime =
        before && before.status === entry.status ? before.lastTransitionTime : isoSeconds(now());
      return { ...entry, lastTransitionTime };
    });
  }

  /** @param {any} hpa */
  function syncHpa(hpa) {
    const decision = decide(hpa);
    if (decision.scaleTo !== undefined) {
      const target = decision.target;
      target.spec = { ...target.spec, replicas: decision.scaleTo };
      store.update(decision.resource, target);
      recorder.record(hpa, {
        reason: 'SuccessfulRescale',
        message: `New size: ${decision.scaleTo}; reason: ${decision.reason}`,
        component: COMPONENT,
      });
    }
    const status = {
      observedGeneration: hpa.metadata.generation,
      ...decision.status,
      conditions: withTransitions(hpa.status?.conditions ?? [], decision.conditions),
    };
    if (canonicalJson(status) !== canonicalJson(hpa.status ?? {})) {
      store.update('horizontalpodautoscalers', { ...hpa, status }, { subresource: 'status' });
    }
  }

  return {
    sync() {
      for (const hpa of store.list('horizontalpodautoscalers', undefined)) {
        try {
          syncHpa(hpa);
        } catch (error) {
          if (!isRetryable(error)) throw error;
          retry();
        }
      }
    },
  };
}
