/**
 * Every input of the rollout action, read and checked up front into one typed object, so a typo
 * fails the step before anything touches the cluster.
 */
import { InputError } from '../core/errors.js';
import {
  readBoolean,
  readDuration,
  readImageReference,
  readKubeconfigInputs,
  readKubernetesName,
  readList,
  readString,
  readYaml,
} from '../core/inputs.js';
import { checkKubernetesNameInput } from '../core/kubernetes-name.js';
import { WORKLOAD_KINDS } from '../core/manifests.js';
import { readReleaseSource } from '../core/release-source.js';
import { readNoticeInputs, type NoticeSettings } from '../core/notice-inputs.js';
import { parseSmokeTests, type SmokeTest } from './smoke-tests.js';

export interface SetImageTarget {
  /** kind/name as kubectl takes it, e.g. deployment/web. */
  workload: string;
  container: string;
  image: string;
}

export interface Settings extends NoticeSettings {
  /** The raw input (YAML or base64); undefined means use the environment's KUBECONFIG. */
  kubeconfig: string | undefined;
  context: string | undefined;
  namespace: string | undefined;
  manifests: string[];
  /** A kustomization directory to render and deploy, instead of manifests. */
  kustomize: string | undefined;
  /** Manifests (usually Jobs, e.g. a migration) that run to completion before any workload changes. */
  preDeploy: string[];
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
}

export async function readSettings(): Promise<Settings> {
  const namespace = readKubernetesName('namespace', {
    kind: 'label',
    what: 'a namespace name',
    example: 'staging',
  });
  const { manifests, kustomize, images } = readReleaseSource({
    instead: 'use deployment, container and image for a set-image deploy.',
  });
  const preDeploy = readList('pre-deploy', { commas: false });
  const setImage = readSetImage();
  const fromFiles = manifests.length > 0 || Boolean(kustomize);
  if (setImage && (kustomize || preDeploy.length > 0)) {
    throw new InputError(
      'deployment',
      'sets one image, so it cannot be combined with kustomize or pre-deploy.',
      'web',
    );
  }
  if (!fromFiles && !setImage) {
    throw new InputError(
      'manifests',
      'is empty and no deployment/image was given, so there is nothing to deploy.',
      'k8s/*.yaml',
    );
  }
  const notices = readNoticeInputs('staging');
  return {
    ...(await readKubeconfigInputs('staging-cluster')),
    namespace,
    manifests,
    kustomize,
    preDeploy,
    images,
    setImage,
    dryRun: readBoolean('dry-run', true),
    serverSide: readBoolean('server-side', false),
    timeoutMs: readDuration('timeout', { default: '5m', minMs: 1_000, maxMs: 6 * 3_600_000 }),
    smokeTests: parseSmokeTests(
      await readYaml<unknown>('smoke-tests', {
        example: '- name: health\n  url: https://staging.example.com/healthz',
      }),
    ),
    rollbackOnFailure: readBoolean('rollback-on-failure', true),
    recoveryTimeoutMs: readDuration('recovery-timeout', {
      default: '5m',
      minMs: 1_000,
      maxMs: 6 * 3_600_000,
    }),
    ...notices,
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
