import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { renderRelease } from '../../src/canary/release.js';

vi.mock('@actions/core', () => ({ info: vi.fn(), warning: vi.fn(), notice: vi.fn() }));

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:v1
          envFrom: [{ configMapRef: { name: web-config } }]
`;

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'canary-release-test-'));
  // A kustomization listed in manifests, as a team's rollout step lists it.
  await mkdir(join(root, 'overlay'));
  await writeFile(join(root, 'overlay', 'deploy.yaml'), DEPLOYMENT);
  await writeFile(
    join(root, 'overlay', 'kustomization.yaml'),
    'resources: [deploy.yaml]\nconfigMapGenerator:\n  - name: web-config\n    literals: [MODE=new]\n    options: { disableNameSuffixHash: true }\n',
  );
  await mkdir(join(root, 'with-job'));
  await writeFile(join(root, 'with-job', 'deploy.yaml'), DEPLOYMENT);
  await writeFile(
    join(root, 'with-job', 'migrate.yaml'),
    'apiVersion: batch/v1\nkind: Job\nmetadata: { name: migrate }\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{ name: m, image: ghcr.io/acme/web:v1 }]\n',
  );
  await mkdir(join(root, 'elsewhere'));
  await writeFile(join(root, 'elsewhere', 'deploy.yaml'), DEPLOYMENT);
  await writeFile(
    join(root, 'elsewhere', 'config.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: shared, namespace: platform }\ndata: { A: "1" }\n',
  );
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function refusal(promise: Promise<unknown>): Promise<InputError> {
  return promise.then(
    () => {
      throw new Error('expected the release to be refused');
    },
    (error: unknown) => {
      if (error instanceof InputError) return error;
      throw error;
    },
  );
}

describe('renderRelease', () => {
  it('renders a kustomization directory listed in manifests, as rollout does', async () => {
    const source = {
      manifests: ['overlay'],
      kustomize: undefined,
      images: new Map([['ghcr.io/acme/web', 'ghcr.io/acme/web:v2']]),
    };
    const release = await renderRelease(source, 'web', root, 'shop');
    expect(release.documents.map((document) => document.object.kind)).toEqual([
      'ConfigMap',
      'Deployment',
    ]);
    expect(release.images).toEqual([
      expect.objectContaining({ container: 'web', image: 'ghcr.io/acme/web:v2' }),
    ]);
    expect(release.copies.map((copy) => copy.name)).toEqual(['web-config']);
  });

  it('refuses a Job up front, pointing to a separate step', async () => {
    const source = { manifests: ['with-job'], kustomize: undefined, images: new Map() };
    const error = await refusal(renderRelease(source, 'web', root, 'shop'));
    expect(error.input).toBe('manifests');
    expect(error.message).toContain('holds Job migrate');
    expect(error.message).toContain('pre-deploy');
  });

  it("refuses objects in another namespace than the canary's", async () => {
    const source = { manifests: ['elsewhere'], kustomize: undefined, images: new Map() };
    const error = await refusal(renderRelease(source, 'web', root, 'shop'));
    expect(error.message).toContain(
      'puts ConfigMap shared (elsewhere/config.yaml) in namespace platform, but the canary runs in namespace shop',
    );
    // In its own namespace the same release is fine.
    await expect(renderRelease(source, 'web', root, 'platform')).resolves.toBeDefined();
  });
});
