// @ts-check
/**
 * What the API server's Job strategy does beyond defaulting: on create it generates the selector
 * and the pod template labels (unless spec.manualSelector), and it validates a Job on create and
 * update, including the immutability of spec.completions, spec.selector and spec.template. The
 * messages follow kubernetes' batch validation, so kubectl prints what a real cluster prints.
 */

const JOB_NAME_LABELS = ['job-name', 'batch.kubernetes.io/job-name'];
const CONTROLLER_UID_LABELS = ['controller-uid', 'batch.kubernetes.io/controller-uid'];
export const SELECTOR_LABEL = 'batch.kubernetes.io/controller-uid';

/**
 * @typedef {{ field: string, reason: string, message: string }} FieldError
 */

/**
 * Adds the generated labels and selector to a Job about to be created (it has its uid already).
 * @param {any} job
 */
export function prepareJobCreate(job) {
  delete job.status;
  if (job.spec?.manualSelector === true) return;
  /** @type {any} */
  const spec = (job.spec = job.spec ?? {});
  spec.template = spec.template ?? {};
  spec.template.metadata = spec.template.metadata ?? {};
  /** @type {Record<string, string>} */
  const labels = (spec.template.metadata.labels = spec.template.metadata.labels ?? {});
  // A label the user set is kept; validation then rejects it if it does not match.
  for (const key of JOB_NAME_LABELS) labels[key] = labels[key] ?? job.metadata.name;
  for (const key of CONTROLLER_UID_LABELS) labels[key] = labels[key] ?? job.metadata.uid;
  spec.selector = spec.selector ?? {};
  spec.selector.matchLabels = spec.selector.matchLabels ?? {};
  spec.selector.matchLabels[SELECTOR_LABEL] =
    spec.selector.matchLabels[SELECTOR_LABEL] ?? job.metadata.uid;
}

/**
 * @param {any} job the Job as it would be stored
 * @param {any} [old] the stored Job, on update
 * @returns {FieldError[]}
 */
export function validateJob(job, old) {
  /** @type {FieldError[]} */
  const errors = [];
  const spec = job.spec ?? {};
  const invalid = (/** @type {string} */ field, /** @type {unknown} */ value, detail = '') =>
    errors.push({
      field,
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${goValue(value, field)}: ${detail}`,
    });
  for (const field of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit']) {
    if (typeof spec[field] === 'number' && spec[field] < 0)
      invalid(`spec.${field}`, spec[field], 'must be greater than or equal to 0');
  }
  const restartPolicy = spec.template?.spec?.restartPolicy;
  if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    errors.push({
      field: 'spec.template.spec.restartPolicy',
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(restartPolicy ?? '')}: supported values: "OnFailure", "Never"`,
    });
  }
  if ((spec.template?.spec?.containers ?? []).length === 0) {
    errors.push({
      field: 'spec.template.spec.containers',
      reason: 'FieldValueRequired',
      message: 'Required value',
    });
  }
  const templateLabels = spec.template?.metadata?.labels ?? {};
  if (!spec.selector) {
    errors.push({
      field: 'spec.selector',
      reason: 'FieldValueRequired',
      message: 'Required value',
    });
  } else if (!selects(spec.selector, templateLabels)) {
    invalid(
      'spec.template.metadata.labels',
      templateLabels,
      '`selector` does not match template `labels`',
    );
  }
  if (spec.manualSelector !== true && spec.selector) {
    const generated = {
      'controller-uid': job.metadata.uid,
      [SELECTOR_LABEL]: job.metadata.uid,
      'job-name': job.metadata.name,
      'batch.kubernetes.io/job-name': job.metadata.name,
    };
    if (!selects(spec.selector, generated))
      invalid('spec.selector', spec.selector, '`selector` not auto-generated');
  }
  if (old) {
    for (const field of ['completions', 'selector', 'template']) {
      if (JSON.stringify(spec[field]) !== JSON.stringify(old.spec?.[field]))
        invalid(`spec.${field}`, spec[field], 'field is immutable');
    }
  }
  return errors;
}

/**
 * The message of a 422 Invalid Status: one error inline, several in brackets.
 * @param {any} job @param {FieldError[]} errors
 */
export function invalidMessage(job, errors) {
  const parts = errors.map((e) => `${e.field}: ${e.message}`);
  const body = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return `Job.batch ${JSON.stringify(job.metadata?.name ?? '')} is invalid: ${body}`;
}

/**
 * @param {any} selector a LabelSelector
 * @param {Record<string, string>} labels
 */
function selects(selector, labels) {
  const matchLabels = Object.entries(selector.matchLabels ?? {});
  if (!matchLabels.every(([key, value]) => labels[key] === value)) return false;
  return (selector.matchExpressions ?? []).every((/** @type {any} */ e) => {
    const has = Object.hasOwn(labels, e.key);
    if (e.operator === 'In') return has && (e.values ?? []).includes(labels[e.key]);
    if (e.operator === 'NotIn') return !has || !(e.values ?? []).includes(labels[e.key]);
    if (e.operator === 'Exists') return has;
    if (e.operator === 'DoesNotExist') return !has;
    return false;
  });
}

// Go type names of the values the messages print, as the real server's %#v dump shows them.
const GO_TYPES = {
  'spec.template': 'core.PodTemplateSpec',
  'spec.selector': '&v1.LabelSelector',
  metadata: 'v1.ObjectMeta',
  spec: 'core.PodSpec',
  containers: 'core.Container',
  initContainers: 'core.Container',
};

/** @type {Record<string, string>} */
const GO_FIELD_NAMES = { metadata: 'ObjectMeta', dnsPolicy: 'DNSPolicy', hostIP: 'HostIP' };

/**
 * Renders a value the way Go's %#v prints the API types in validation messages, shortened: only
 * the fields that are set are shown.
 * @param {unknown} value
 * @param {string} [path]
 * @returns {string}
 */
export function goValue(value, path = '') {
  const key = path.split('.').pop() ?? '';
  const type = GO_TYPES[/** @type {keyof typeof GO_TYPES} */ (path)] ?? '';
  if (value === undefined || value === null)
    return type ? `(*${type.replace('&', '')})(nil)` : 'nil';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) {
    const itemType =
      GO_TYPES[/** @type {keyof typeof GO_TYPES} */ (key)] ??
      (value.every((v) => typeof v === 'string') ? 'string' : '');
    const items = value.map((v) =>
      typeof v === 'object' && v !== null ? `${itemType}${goFields(v, path)}` : goValue(v),
    );
    return `[]${itemType}{${items.join(', ')}}`;
  }
  if (key === 'labels' || key === 'annotations' || key === 'matchLabels' || key === 'data') {
    const entries = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${goValue(v)}`);
    return `map[string]string{${entries.join(', ')}}`;
  }
  const nestedType = type || GO_TYPES[/** @type {keyof typeof GO_TYPES} */ (key)] || '';
  return `${nestedType}${goFields(value, path)}`;
}

/** @param {object} value @param {string} path */
function goFields(value, path) {
  // Go prints struct fields in declaration order, where the embedded ObjectMeta comes first.
  const entries = Object.entries(value).sort(
    ([a], [b]) => Number(b === 'metadata') - Number(a === 'metadata'),
  );
  const fields = entries.map(([k, v]) => {
    const goName = GO_FIELD_NAMES[k] ?? k.charAt(0).toUpperCase() + k.slice(1);
    return `${goName}:${goValue(v, `${path}.${k}`)}`;
  });
  return `{${fields.join(', ')}}`;
}
