import YAML from 'yaml';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionError, InputError } from '../../src/core/errors.js';
import {
  findWorkloads,
  imageRepository,
  parseImageOverrides,
  parseManifestText,
  readManifests,
  renderManifests,
  substituteImages,
  type ManifestDocument,
} from '../../src/core/manifests.js';

const WEB = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  template:
    spec:
      initContainers:
        - { name: migrate, image: 'ghcr.io/acme/web:v1' }
      containers:
        - { name: web, image: 'ghcr.io/acme/web:v1' }
        - { name: proxy, image: 'envoyproxy/envoy:v1.30' }
---
apiVersion: v1
kind: Service
metadata: { name: web }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec:
  template:
    spec:
      containers:
        - { name: db, image: 'registry.local:5000/acme/db@sha256:aaaa' }
---
`;

describe('image repository', () => {
  it.each([
    ['nginx', 'nginx'],
    ['nginx:1.27', 'nginx'],
    ['ghcr.io/acme/web:v1', 'ghcr.io/acme/web'],
    ['registry.local:5000/acme/db', 'registry.local:5000/acme/db'],
    ['registry.local:5000/acme/db:2', 'registry.local:5000/acme/db'],
    ['ghcr.io/acme/web:v1@sha256:abc', 'ghcr.io/acme/web'],
    ['ghcr.io/acme/web@sha256:abc', 'ghcr.io/acme/web'],
  ])('%s → %s', (image, repository) => {
    expect(imageRepository(image)).toBe(repository);
  });
});

describe('images lines', () => {
  it.each([
    {
      lines: ['ghcr.io/acme/web=ghcr.io/acme/web:v2'],
      expected: [['ghcr.io/acme/web', 'ghcr.io/acme/web:v2']],
    },
    {
      lines: ['ghcr.io/acme/web:v1 = ghcr.io/acme/web@sha256:bb'],
      expected: [['ghcr.io/acme/web', 'ghcr.io/acme/web@sha256:bb']],
    },
    {
      lines: ['app=other/app:3', 'db=db:2'],
      expected: [
        ['app', 'other/app:3'],
        ['db', 'db:2'],
      ],
    },
  ])('reads $lines', ({ lines, expected }) => {
    expect([...parseImageOverrides(lines)]).toEqual(expected);
  });

  it.each([
    { lines: ['ghcr.io/acme/web'], problem: 'not a name=ref line' },
    { lines: ['=web:2'], problem: 'not a name=ref line' },
    { lines: ['web='], problem: 'not a name=ref line' },
    { lines: ['web=web:2 web:3'], problem: 'contains a space' },
    { lines: ['web=web:2', 'web:1=web:3'], problem: "sets 'web' more than once" },
  ])('refuses $lines', ({ lines, problem }) => {
    expect(() => parseImageOverrides(lines)).toThrow(InputError);
    expect(() => parseImageOverrides(lines)).toThrow(problem);
  });
});

describe('manifest documents', () => {
  it('reads every mapping and skips empty documents', async () => {
    const documents = await parseManifestText(WEB, 'web.yaml');
    expect(documents.map((d) => [d.index, d.object.kind])).toEqual([
      [0, 'Deployment'],
      [1, 'Service'],
      [2, 'StatefulSet'],
    ]);
  });

  it.each([
    { text: '- a\n- b\n', problem: 'it is a list, not a mapping' },
    { text: 'kind: Service\n---\njust text\n', problem: '(document 2) is not a Kubernetes object' },
    { text: 'kind: [unclosed\n', problem: 'is not valid YAML' },
  ])('refuses $problem', async ({ text, problem }) => {
    await expect(parseManifestText(text, 'bad.yaml')).rejects.toThrow(ActionError);
    await expect(parseManifestText(text, 'bad.yaml')).rejects.toThrow(problem);
  });

  it('treats custom tags as data, never as code', async () => {
    const [document] = await parseManifestText(
      'kind: ConfigMap\ndata: !!js/function "() => 1"\n',
      'x.yaml',
    );
    expect(typeof document.object.data).toBe('string');
  });

  it('unpacks a List (and any *List with items) into its objects, nested ones too', async () => {
    const text = `apiVersion: v1
kind: List
items:
  - { apiVersion: v1, kind: ConfigMap, metadata: { name: a } }
  - apiVersion: apps/v1
    kind: Deployment
    metadata: { name: web }
    spec: { template: { spec: { containers: [{ name: web, image: 'ghcr.io/acme/web:v1' }] } } }
---
apiVersion: v1
kind: ServiceList
items:
  - { apiVersion: v1, kind: Service, metadata: { name: s } }
`;
    const documents = await parseManifestText(text, 'list.yaml');
    expect(documents.map((d) => [d.object.kind, d.index, d.item])).toEqual([
      ['ConfigMap', 0, 0],
      ['Deployment', 0, 1],
      ['Service', 1, 0],
    ]);
    const substituted = substituteImages(
      documents,
      parseImageOverrides(['ghcr.io/acme/web=ghcr.io/acme/web:v2']),
    );
    expect(substituted.changes.map((change) => change.workload)).toEqual(['deployment/web']);
  });

  it('keeps a *List kind without items as one object, and refuses an item that is not one', async () => {
    const [document] = await parseManifestText(
      'kind: NetworkPolicyList\nmetadata: { name: x }\n',
      'x',
    );
    expect(document.object.kind).toBe('NetworkPolicyList');
    await expect(parseManifestText('kind: List\nitems: [3]\n', 'l.yaml')).rejects.toThrow(
      'l.yaml (document 1, item 1 of its List) is not a Kubernetes object',
    );
  });

  it('finds Deployments, StatefulSets and DaemonSets with their namespaces', async () => {
    const workloads = findWorkloads(await parseManifestText(WEB, 'web.yaml'));
    expect(workloads.map(({ kind, name, namespace }) => ({ kind, name, namespace }))).toEqual([
      { kind: 'Deployment', name: 'web', namespace: 'shop' },
      { kind: 'StatefulSet', name: 'db', namespace: undefined },
    ]);
  });
});

describe('image substitution', () => {
  let documents: ManifestDocument[];
  beforeAll(async () => {
    documents = await parseManifestText(WEB, 'web.yaml');
  });

  it.each([
    {
      name: 'containers and init containers of the matching repository',
      images: ['ghcr.io/acme/web=ghcr.io/acme/web:v2'],
      changes: [
        {
          workload: 'deployment/web',
          container: 'migrate',
          initContainer: true,
          from: 'ghcr.io/acme/web:v1',
          to: 'ghcr.io/acme/web:v2',
        },
        {
          workload: 'deployment/web',
          container: 'web',
          initContainer: false,
          from: 'ghcr.io/acme/web:v1',
          to: 'ghcr.io/acme/web:v2',
        },
      ],
      unused: [],
    },
    {
      name: 'a digest-pinned image in a registry with a port',
      images: ['registry.local:5000/acme/db=registry.local:5000/acme/db:3'],
      changes: [
        {
          workload: 'statefulset/db',
          container: 'db',
          initContainer: false,
          from: 'registry.local:5000/acme/db@sha256:aaaa',
          to: 'registry.local:5000/acme/db:3',
        },
      ],
      unused: [],
    },
    {
      name: 'no change when the image is already the one asked for',
      images: ['envoyproxy/envoy=envoyproxy/envoy:v1.30'],
      changes: [],
      unused: [],
    },
    {
      name: 'a name that is only a prefix of a repository does not match',
      images: ['ghcr.io/acme=ghcr.io/acme:v2', 'envoy=envoy:2'],
      changes: [],
      unused: ['ghcr.io/acme', 'envoy'],
    },
  ])('$name', ({ images, changes, unused }) => {
    const result = substituteImages(documents, parseImageOverrides(images));
    expect(result.changes.map(({ namespace: _ignored, ...change }) => change)).toEqual(changes);
    expect(result.unused).toEqual(unused);
  });

  it('leaves the original documents untouched and renders the new ones', async () => {
    const result = substituteImages(documents, parseImageOverrides(['ghcr.io/acme/web=web:v9']));
    expect(WEB).toContain("image: 'ghcr.io/acme/web:v1'");
    expect(JSON.stringify(documents)).not.toContain('web:v9');
    const again = await parseManifestText(await renderManifests(result.documents), 'out.yaml');
    expect(again).toHaveLength(3);
    expect(JSON.stringify(again[0].object)).toContain('"image":"web:v9"');
    expect(JSON.stringify(again[0].object)).toContain('"image":"envoyproxy/envoy:v1.30"');
  });

  it('renders strings kubectl would read as booleans or numbers quoted (kubectl reads YAML 1.1)', async () => {
    const data = { debug: 'on', cache: 'yes', mask: '0x1F', off: 'off', ratio: '1_000' };
    const text = await renderManifests([
      { file: 'cm.yaml', index: 0, object: { apiVersion: 'v1', kind: 'ConfigMap', data } },
    ]);
    const read = YAML.parseAllDocuments(text, { version: '1.1' }).map((doc) => doc.toJS());
    expect(read[0].data).toEqual(data);
  });
});

describe('reading manifest files', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'manifests-'));
    await mkdir(join(root, 'k8s/base'), { recursive: true });
    await writeFile(join(root, 'k8s/web.yaml'), WEB);
    await writeFile(join(root, 'k8s/svc.yml'), 'kind: Service\nmetadata: { name: s }\n');
    await writeFile(join(root, 'k8s/README.md'), '# not a manifest\n');
    await writeFile(join(root, 'k8s/base/cm.json'), '{"kind":"ConfigMap","metadata":{"name":"c"}}');
  });

  afterAll(() => rm(root, { recursive: true, force: true }));

  it.each([
    { patterns: ['k8s/web.yaml'], kinds: ['Deployment', 'Service', 'StatefulSet'] },
    { patterns: ['k8s'], kinds: ['Service', 'Deployment', 'Service', 'StatefulSet'] },
    { patterns: ['k8s/*.yml'], kinds: ['Service'] },
    { patterns: ['k8s/**/*.json'], kinds: ['ConfigMap'] },
    { patterns: ['k8s/svc.yml', 'k8s/*.yml'], kinds: ['Service'] },
  ])('$patterns', async ({ patterns, kinds }) => {
    const documents = await readManifests(patterns, root);
    expect(documents.map((d) => d.object.kind)).toEqual(kinds);
  });

  it.each([
    { patterns: ['k8s/missing.yaml'], problem: "'k8s/missing.yaml' does not exist" },
    { patterns: ['deploy/*.yaml'], problem: "'deploy/*.yaml' matches no manifest files" },
  ])('names the input when $patterns finds nothing', async ({ patterns, problem }) => {
    const thrown = await readManifests(patterns, root).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).input).toBe('manifests');
    expect((thrown as InputError).message).toContain(problem);
  });

  it('names the input it reads for', async () => {
    const thrown = await readManifests(['jobs/*.yaml'], root, 'pre-deploy').catch(
      (e: unknown) => e,
    );
    expect((thrown as InputError).input).toBe('pre-deploy');
  });
});
