import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionError, InputError } from '../../src/core/errors.js';
import {
  isKustomizationDirectory,
  kubectlMessage,
  readManifestsOrKustomizations,
  renderKustomization,
} from '../../src/core/kustomize.js';

// The real kubectl renders these: kustomize needs no cluster.
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'kustomize-test-'));
  await mkdir(join(root, 'base'));
  await mkdir(join(root, 'overlay'));
  await mkdir(join(root, 'broken'));
  await mkdir(join(root, 'plain'));
  await writeFile(join(root, 'base', 'kustomization.yaml'), 'resources: [deploy.yaml]\n');
  await writeFile(
    join(root, 'base', 'deploy.yaml'),
    `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  template:
    spec:
      containers: [{ name: web, image: 'ghcr.io/acme/web:v1' }]
`,
  );
  await writeFile(
    join(root, 'overlay', 'Kustomization'),
    `resources: [../base]
namespace: shop
configMapGenerator:
  - name: web-config
    literals: [GREETING=hello]
images:
  - name: ghcr.io/acme/web
    newTag: v2
`,
  );
  await writeFile(join(root, 'broken', 'kustomization.yml'), 'resources: [missing.yaml]\n');
  await writeFile(join(root, 'plain', 'deploy.yaml'), 'kind: ConfigMap\n');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('renderKustomization', () => {
  it('renders an overlay with generators, namespace and images into documents', async () => {
    const documents = await renderKustomization('overlay', root);
    const objects = documents.map((document) => document.object);
    expect(objects.map((object) => object.kind)).toEqual(['ConfigMap', 'Deployment']);
    const [config, deployment] = objects as Array<{
      metadata: { name: string; namespace: string };
      spec?: { template: { spec: { containers: Array<{ image: string }> } } };
    }>;
    // The generator's hash suffix is kustomize's own: the rendering really ran.
    expect(config.metadata.name).toMatch(/^web-config-[a-z0-9]{10}$/);
    expect(deployment.metadata.namespace).toBe('shop');
    expect(deployment.spec?.template.spec.containers[0].image).toBe('ghcr.io/acme/web:v2');
    expect(documents.map((document) => [document.file, document.index])).toEqual([
      ['overlay (kustomize)', 0],
      ['overlay (kustomize)', 1],
    ]);
  });

  it('names the directory and kubectl’s reason when kustomize fails', async () => {
    const failure = renderKustomization('broken', root);
    await expect(failure).rejects.toThrow(ActionError);
    await expect(failure).rejects.toThrow(/kustomize could not render broken: .*missing\.yaml/);
  });

  it('refuses a directory without a kustomization, and one that does not exist', async () => {
    await expect(renderKustomization('plain', root)).rejects.toThrow(InputError);
    await expect(renderKustomization('plain', root)).rejects.toThrow(
      /Input 'kustomize' names 'plain', which is not a directory with a kustomization.yaml/,
    );
    await expect(renderKustomization('nowhere', root, { input: 'manifests' })).rejects.toThrow(
      /Input 'manifests' names 'nowhere', which does not exist/,
    );
  });

  it('tells a kustomization directory from a plain one', async () => {
    expect(await isKustomizationDirectory(join(root, 'overlay'))).toBe(true);
    expect(await isKustomizationDirectory(join(root, 'broken'))).toBe(true);
    expect(await isKustomizationDirectory(join(root, 'plain'))).toBe(false);
    expect(await isKustomizationDirectory(join(root, 'nowhere'))).toBe(false);
  });
});

describe('manifests patterns with kustomizations among them', () => {
  it('renders a kustomization directory and reads the other patterns as files, in order', async () => {
    const { documents, rendered } = await readManifestsOrKustomizations(
      ['plain/deploy.yaml', 'overlay', 'base/d*.yaml'],
      root,
    );
    expect(rendered).toEqual(['overlay']);
    expect(documents.map((document) => [document.file, document.object.kind])).toEqual([
      ['plain/deploy.yaml', 'ConfigMap'],
      ['overlay (kustomize)', 'ConfigMap'],
      ['overlay (kustomize)', 'Deployment'],
      ['base/deploy.yaml', 'Deployment'],
    ]);
  });

  it('reads a plain directory file by file, as before', async () => {
    const { documents, rendered } = await readManifestsOrKustomizations(['plain'], root);
    expect(rendered).toEqual([]);
    expect(documents.map((document) => document.file)).toEqual(['plain/deploy.yaml']);
  });
});

describe('kubectl’s message', () => {
  it('takes the reason out of a klog line and keeps it on one line', () => {
    const stderr =
      'E1205 06:20:50.809174   26048 run.go:72] "command failed" err="invalid Kustomization: yaml: line 1: \\"x\\"\\n::error::no"\n';
    expect(kubectlMessage(stderr)).toBe('invalid Kustomization: yaml: line 1: "x"\\n::error::no');
  });

  it('drops the error: prefix of a plain line and escapes line breaks', () => {
    expect(kubectlMessage('error: bad thing\n::warning::x')).toBe('bad thing\\n::warning::x');
  });
});
