// @ts-check
/**
 * What each demo scenario changes, and what the pipeline must do with it. A scenario that shows
 * a failure passes when the pipeline stopped where it should and left production as it was.
 */

/** @typedef {import('../canary-env/sample-service.js').Behaviour} Behaviour */
/** @typedef {'quality-gate' | 'coverage' | 'image' | 'rollout' | 'canary'} ActionName */
/** @typedef {'success' | 'failure' | 'skipped' | 'cancelled'} Outcome */
/**
 * @typedef {object} Scenario
 * @property {string} name
 * @property {string} story one line for the terminal and the summary page
 * @property {boolean} breakBuild a change that breaks a unit test is in the workspace
 * @property {Behaviour} staging how the new version answers in staging (smoke tests)
 * @property {Behaviour} canary how the new version answers in production
 * @property {Record<ActionName, Outcome>} expected
 * @property {'promoted' | 'aborted' | undefined} canaryDecision
 */

export const ACTIONS = /** @type {const} */ ([
  'quality-gate',
  'coverage',
  'image',
  'rollout',
  'canary',
]);

/**
 * How version 1.2.2, production's stable, answers: now and then a 500.
 * @type {Behaviour}
 */
export const PREVIOUS_VERSION = { errorRate: 0.002, latencyMs: 20, jitterMs: 5 };

/**
 * The good new version never fails: at the first step's ~100 canary requests a single 500 of a
 * 0.2% error rate already reads as 1%, above max-error-rate, and the step would abort.
 * @type {Behaviour}
 */
const GOOD_NEW_VERSION = { errorRate: 0, latencyMs: 20, jitterMs: 5 };

/** @type {Record<ActionName, Outcome>} */
const ALL_SUCCEED = {
  'quality-gate': 'success',
  coverage: 'success',
  image: 'success',
  rollout: 'success',
  canary: 'success',
};

/** @type {Scenario[]} */
const LIST = [
  {
    name: 'healthy',
    story: 'a good change goes from checks to 100% of production',
    breakBuild: false,
    staging: GOOD_NEW_VERSION,
    canary: GOOD_NEW_VERSION,
    expected: ALL_SUCCEED,
    canaryDecision: 'promoted',
  },
  {
    name: 'bad-canary',
    story: 'the new version fails 5% of production requests: the canary is aborted',
    breakBuild: false,
    staging: GOOD_NEW_VERSION,
    canary: { errorRate: 0.05, latencyMs: 20, jitterMs: 5 },
    expected: { ...ALL_SUCCEED, canary: 'failure' },
    canaryDecision: 'aborted',
  },
  {
    name: 'slow-canary',
    story: 'the new version answers 8x slower in production: the canary is aborted',
    breakBuild: false,
    staging: GOOD_NEW_VERSION,
    canary: { errorRate: 0.002, latencyMs: 160, jitterMs: 10 },
    expected: { ...ALL_SUCCEED, canary: 'failure' },
    canaryDecision: 'aborted',
  },
  {
    name: 'failing-smoke',
    story: 'the new version fails its smoke test in staging: the rollout is rolled back',
    breakBuild: false,
    staging: { errorRate: 1, latencyMs: 5, jitterMs: 1 },
    canary: GOOD_NEW_VERSION,
    expected: { ...ALL_SUCCEED, rollout: 'failure', canary: 'skipped' },
    canaryDecision: undefined,
  },
  {
    name: 'bad-build',
    story: 'a change breaks a unit test: the quality gate stops the pipeline',
    breakBuild: true,
    staging: GOOD_NEW_VERSION,
    canary: GOOD_NEW_VERSION,
    expected: {
      'quality-gate': 'failure',
      coverage: 'skipped',
      image: 'skipped',
      rollout: 'skipped',
      canary: 'skipped',
    },
    canaryDecision: undefined,
  },
];

/** @type {ReadonlyMap<string, Scenario>} */
export const SCENARIOS = new Map(LIST.map((scenario) => [scenario.name, scenario]));
