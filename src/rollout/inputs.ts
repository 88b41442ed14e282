/**
 * Every input of the rollout action, read and checked up front into one typed object, so a typo
 * fails the step before anything touches the cluster.
 */
import { InputError } from '../core/errors.js';
import { parseImageReferenceInput } from '../core/image-reference.js';
import {
  readBoolean,
  readDuration,
  readImageReference,
  readKubeconfigInputs,
  readKubernetesName,
  readList,
  readString,
  readUrl,
  readYaml,
} from '../core/inputs.js';
import { checkKubernetesNameInput } from '../core/kubernetes-name.js';
import { registerSecret } from '../core/secrets.js';
import { parseImageOverrides, WORKLOAD_KINDS } from '../core/manifests.js';
import { parseSmokeTests, type SmokeTest } from './smoke-tests.js';

export interface SetImageTarget {
  /** kind/name as kubectl takes it, e.g. deployment/web. */
  workload: string;
  container: string;
  image: string;
}

export interface Settings {
  /** The raw input (YAML or base64); undefined means use the environment's KUBECONFIG. */
  kubeconfig: string | undefined;
  context: string | undefined;
  namespace: string | undefined;
  manifests: string[];
  /** Repository → image, from `images` lines. */
  images: Map<string, string>;
  setImage: SetImageTarget | undefined;
  dryRun: boolean;
  serverSide: boolean;
  timeoutMs: number;
  smokeTests: SmokeTest[];
  rollbackOnFailure: boolean;
  /** How long a rollback may keep retrying through API faults, main and post together. */
  recoveryTimeoutMs: number;
  environment: string | undefined;
  environmentUrl: string | undefined;
  notifyWebhook: string | undefined;
  githubToken: string | undefined;
}

export function readSettings(): Settings {
  const namespace = readKubernetesName('namespace', {
    kind: 'label',
    what: 'a namespace name',
    example: 'staging',
  });
  const manifests = readList('manifests', { commas: false });
  const images = parseImageOverrides(readList('images', { commas: false }));
  for (const image of images.values()) {
    parseImageReferenceInput('images', image, 'ghcr.io/acme/web=ghcr.io/acme/web:v2');
  }
  const setImage = readSetImage();
  if (manifests.length === 0 && !setImage) {
    throw new InputError(
      'manifests',
      'is empty and no deployment/image was given, so there is nothing to deploy.',
      'k8s/*.yaml',
    );
  }
  if (images.size > 0 && manifests.length === 0) {
    throw new InputError(
      'images',
      'substitutes images in manifests, but no manifests were given; use deployment, container and image for a set-image deploy.',
      'ghcr.io/acme/web=ghcr.io/acme/web:v2',
    );
  }
  const notifyWebhook = readUrl('notify-webhook', {
    example: 'https://hooks.slack.com/services/T000/B000/XXXX',
    secret: true,
  });
  // A Slack webhook URL is a credential: whoever has it can post to the channel.
  registerSecret(notifyWebhook);
  const environment = readString('environment', { example: 'staging' })?.trim() || undefined;
  const environmentUrl = readUrl('environment-url', { example: 'https://staging.example.com' });
  if (environmentUrl && !environment) {
    throw new InputError(
      'environment',
      'must be set when environment-url is, because the URL belongs to a GitHub environment.',
      'staging',
    );
  }
  return {
    ...readKubeconfigInputs('staging-cluster'),
    namespace,
    manifests,
    images,
    setImage,
    dryRun: readBoolean('dry-run', true),
    serverSide: readBoolean('server-side', false),
    timeoutMs: readDuration('timeout', { default: '5m', minMs: 1_000, maxMs: 6 * 3_600_000 }),
    smokeTests: parseSmokeTests(
      readYaml<unknown>('smoke-tests', {
        example: '- name: health\n  url: https://staging.example.com/healthz',
      }),
    ),
    rollbackOnFailure: readBoolean('rollback-on-failure', true),
    recoveryTimeoutMs: readDuration('recovery-timeout', {
      default: '5m',
      minMs: 1_000,
      maxMs: 6 * 3_600_000,
    }),
    environment,
    environmentUrl,
    notifyWebhook,
    githubToken: readString('github-token', { example: '${{ github.token }}' }),
  };
}

function readSetImage(): SetImageTarget | undefined {
  const deployment = readString('deployment', { example: 'web' })?.trim();
  const container = readString('container', { example: 'web' })?.trim();
  const image = readImageReference('image', { example: 'ghcr.io/acme/web:v2' });
  if (!deployment && !container && !image) return undefined;
  if (!deployment) {
    throw new InputError('deployment', 'is required with container and image.', 'web');
  }
  if (!image)
    throw new InputError('image', `is required to deploy ${deployment}.`, 'ghcr.io/acme/web:v2');
  if (!container) {
    throw new InputError(
      'container',
      `is required: name the container in ${deployment} to update.`,
      'web',
    );
  }
  checkKubernetesNameInput('container', container, {
    kind: 'label',
    what: 'a container name',
    example: 'web',
  });
  return { workload: workloadRef(deployment), container, image };
}

/** `web`, `deployment/web`, `statefulset/db` or `daemonset/agent` (kind in any letter case). */
function workloadRef(value: string): string {
  const [first, second, ...rest] = value.split('/');
  const kind = second === undefined ? 'deployment' : first.toLowerCase();
  const name = second ?? first;
  const kinds = WORKLOAD_KINDS.map((known) => known.toLowerCase());
  if (rest.length > 0 || !kinds.includes(kind)) {
    throw new InputError(
      'deployment',
      `must be a workload name, optionally with its kind (${kinds.join(', ')}), got '${value}'.`,
      'web',
    );
  }
  checkKubernetesNameInput('deployment', name, {
    kind: 'subdomain',
    what: `a ${kind} name`,
    example: 'web',
  });
  return `${kind}/${name}`;
}
