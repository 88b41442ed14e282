import { describe, expect, it } from 'vitest';
import type { BuildRequest } from '../../../src/image/builders/build-request.js';
import {
  buildahBuildArgs,
  buildahPushArgs,
  refuseUnsupportedByBuildah,
} from '../../../src/image/builders/buildah.js';
import {
  buildxArgs,
  classicBuildArgs,
  digestFromBuildxMetadata,
  digestFromPushOutput,
  digestFromRepoDigests,
  inputsNeedingBuildx,
} from '../../../src/image/builders/docker.js';
import { loginArgs } from '../../../src/image/builders/login.js';
import {
  asksForAttestation,
  registryCacheReference,
  registryHost,
  splitAnnotationLevels,
} from '../../../src/image/builders/references.js';
import { buildRequest } from './request.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const OTHER_DIGEST = `sha256:${'cd'.repeat(32)}`;
const secretFiles = [{ id: 'token', path: '/runner/temp/build-secret-1' }];

describe('buildah build arguments', () => {
  it.each<[string, Partial<BuildRequest>, string[], string[]]>([
    ['plain build', {}, ['build', '--layers', '--iidfile', '/s/iid', 'ctx'], []],
    [
      'file, target, one platform, tags',
      {
        file: 'ctx/Containerfile',
        target: 'release',
        platforms: ['linux/arm64'],
        tags: ['r/a:1', 'r/a:2'],
      },
      [
        'build',
        '--layers',
        '-f',
        'ctx/Containerfile',
        '--target',
        'release',
        '--platform',
        'linux/arm64',
        '--iidfile',
        '/s/iid',
        '-t',
        'r/a:1',
        '-t',
        'r/a:2',
        'ctx',
      ],
      [],
    ],
    [
      'build args and labels keep their order',
      {
        buildArgs: new Map([
          ['B', '2'],
          ['A', 'x=y'],
        ]),
        labels: ['org.a=1', 'org.b='],
      },
      [
        'build',
        '--layers',
        '--iidfile',
        '/s/iid',
        '--build-arg',
        'B=2',
        '--build-arg',
        'A=x=y',
        '--label',
        'org.a=1',
        '--label',
        'org.b=',
        'ctx',
      ],
      [],
    ],
    [
      'secrets as files, values nowhere',
      { secrets: new Map([['token', 'hunter22']]) },
      [
        'build',
        '--layers',
        '--iidfile',
        '/s/iid',
        '--secret',
        'id=token,src=/runner/temp/build-secret-1',
        'ctx',
      ],
      [],
    ],
    [
      'manifest-level annotations keep their entry, index-level ones are dropped with a warning',
      {
        annotations: [
          'org.x=1',
          'manifest:org.y=2',
          'manifest[linux/amd64]:org.z=3',
          'index:org.w=4',
        ],
      },
      [
        'build',
        '--layers',
        '--iidfile',
        '/s/iid',
        '--annotation',
        'org.x=1',
        '--annotation',
        'org.y=2',
        '--annotation',
        'org.z=3',
        'ctx',
      ],
      ['buildah sets annotations on the image manifest only; ignored: index:org.w=4.'],
    ],
    [
      'registry caches become repositories, other cache types are warned about',
      {
        cacheFrom: ['type=registry,ref=ghcr.io/o/cache', 'type=gha'],
        cacheTo: ['ghcr.io/o/cache'],
      },
      [
        'build',
        '--layers',
        '--iidfile',
        '/s/iid',
        '--cache-from',
        'ghcr.io/o/cache',
        '--cache-to',
        'ghcr.io/o/cache',
        'ctx',
      ],
      ['buildah can only cache in a registry repository; --cache-from type=gha is ignored.'],
    ],
    [
      'a cache in an insecure registry turns TLS verification off',
      { cacheFrom: ['127.0.0.1:5000/cache'], insecureRegistries: ['127.0.0.1:5000'] },
      [
        'build',
        '--layers',
        '--iidfile',
        '/s/iid',
        '--cache-from',
        '127.0.0.1:5000/cache',
        '--tls-verify=false',
        'ctx',
      ],
      [],
    ],
    [
      'several platforms build into a manifest list without layer cache or -t',
      { platforms: ['linux/amd64', 'linux/arm64'], tags: ['r/a:1'], cacheFrom: ['r/cache'] },
      ['build', '--platform', 'linux/amd64,linux/arm64', '--manifest', 'localhost/list', 'ctx'],
      ['buildah builds several platforms without a layer cache; --cache-from r/cache is ignored.'],
    ],
  ])('%s', (_name, overrides, args, warnings) => {
    const request = buildRequest(overrides);
    const multi = request.platforms.length > 1;
    const plan = {
      secretFiles: request.secrets.size > 0 ? secretFiles : [],
      iidFile: '/s/iid',
      manifestList: multi ? 'localhost/list' : undefined,
    };
    const result = buildahBuildArgs(request, plan);
    expect(result.args).toEqual(args);
    expect(result.warnings).toEqual(warnings);
    expect(result.args.join(' ')).not.toContain('hunter22');
  });

  it.each<[string, Partial<BuildRequest>, { imageId: string; manifestList?: string }, string[]]>([
    [
      'an image',
      {},
      { imageId: 'sha256:1' },
      ['push', '--digestfile', '/s/d', 'sha256:1', 'docker://r.io/a:1'],
    ],
    [
      'an image to an insecure registry',
      { insecureRegistries: ['r.io'] },
      { imageId: 'sha256:1' },
      ['push', '--tls-verify=false', '--digestfile', '/s/d', 'sha256:1', 'docker://r.io/a:1'],
    ],
    [
      'a manifest list with every image in it',
      {},
      { imageId: 'sha256:1', manifestList: 'localhost/list' },
      ['manifest', 'push', '--all', '--digestfile', '/s/d', 'localhost/list', 'docker://r.io/a:1'],
    ],
  ])('pushes %s', (_name, overrides, source, args) => {
    expect(buildahPushArgs(buildRequest(overrides), source, 'r.io/a:1', '/s/d')).toEqual(args);
  });

  it.each<[string, Partial<BuildRequest>, string | undefined]>([
    ['no attestations', {}, undefined],
    ['attestations switched off', { provenance: 'false', sbom: 'false' }, undefined],
    ['provenance', { provenance: 'mode=max' }, 'provenance (mode=max)'],
    [
      'provenance and sbom',
      { provenance: 'true', sbom: 'true' },
      'provenance (true) and sbom (true)',
    ],
  ])('refuses attestations: %s', (_name, overrides, refused) => {
    const attempt = () => refuseUnsupportedByBuildah(buildRequest(overrides));
    if (refused === undefined) expect(attempt).not.toThrow();
    else
      expect(attempt).toThrow(
        `buildah cannot attach attestations, but the inputs ask for ${refused}.`,
      );
  });
});

describe('docker buildx arguments', () => {
  const plan = { secretFiles, iidFile: '/s/iid', metadataFile: '/s/meta.json' };
  const head = ['buildx', 'build', '--iidfile', '/s/iid', '--metadata-file', '/s/meta.json'];

  it.each<[string, Partial<BuildRequest>, string[]]>([
    ['plain build', {}, [...head, '--secret', 'id=token,src=/runner/temp/build-secret-1', 'ctx']],
    [
      'everything buildx takes, pushed',
      {
        file: 'Dockerfile.ci',
        target: 't',
        platforms: ['linux/amd64', 'linux/arm64'],
        buildArgs: new Map([['A', '1']]),
        labels: ['l=1'],
        annotations: ['index:a=1'],
        tags: ['ghcr.io/o/a:1'],
        cacheFrom: ['type=gha'],
        cacheTo: ['type=gha,mode=max'],
        provenance: 'false',
        sbom: 'true',
        push: true,
      },
      [
        ...head,
        '-f',
        'Dockerfile.ci',
        '--target',
        't',
        '--build-arg',
        'A=1',
        '--label',
        'l=1',
        '-t',
        'ghcr.io/o/a:1',
        '--platform',
        'linux/amd64,linux/arm64',
        '--secret',
        'id=token,src=/runner/temp/build-secret-1',
        '--annotation',
        'index:a=1',
        '--cache-from',
        'type=gha',
        '--cache-to',
        'type=gha,mode=max',
        '--provenance=false',
        '--sbom=true',
        '--push',
        'ctx',
      ],
    ],
    [
      'pushed to an insecure registry through the image exporter',
      { tags: ['127.0.0.1:5000/a:1'], push: true, insecureRegistries: ['127.0.0.1:5000'] },
      [
        ...head,
        '-t',
        '127.0.0.1:5000/a:1',
        '--secret',
        'id=token,src=/runner/temp/build-secret-1',
        '--output',
        'type=image,push=true,registry.insecure=true',
        'ctx',
      ],
    ],
  ])('%s', (_name, overrides, args) => {
    expect(buildxArgs(buildRequest({ builder: 'docker', ...overrides }), plan)).toEqual(args);
  });
});

describe('classic docker build', () => {
  it.each<[string, Partial<BuildRequest>, boolean, string[]]>([
    ['a plain build', {}, false, []],
    ['one platform', { platforms: ['linux/amd64'] }, false, []],
    [
      'several platforms',
      { platforms: ['linux/amd64', 'linux/arm64'] },
      false,
      ['platforms (linux/amd64,linux/arm64)'],
    ],
    ['cache-to', { cacheTo: ['type=inline'] }, false, ['cache-to']],
    ['provenance off', { provenance: 'false', sbom: 'false' }, false, []],
    [
      'provenance and sbom',
      { provenance: 'mode=min', sbom: 'true' },
      false,
      ['provenance', 'sbom'],
    ],
    ['secrets without --secret', { secrets: new Map([['a', 'b']]) }, false, ['secrets']],
    ['secrets with --secret', { secrets: new Map([['a', 'b']]) }, true, []],
  ])('needs buildx for %s', (_name, overrides, classicHasSecrets, needs) => {
    expect(inputsNeedingBuildx(buildRequest(overrides), classicHasSecrets)).toEqual(needs);
  });

  it.each<[string, Partial<BuildRequest>, string[], string[]]>([
    [
      'tags, labels, build args, target and file',
      {
        file: 'f',
        target: 't',
        tags: ['r/a:1', 'r/a:2'],
        labels: ['l=1'],
        buildArgs: new Map([['A', '1']]),
      },
      [
        'build',
        '--iidfile',
        '/s/iid',
        '-f',
        'f',
        '--target',
        't',
        '--build-arg',
        'A=1',
        '--label',
        'l=1',
        '-t',
        'r/a:1',
        '-t',
        'r/a:2',
        'ctx',
      ],
      [],
    ],
    [
      'one platform and an image cache',
      { platforms: ['linux/arm64'], cacheFrom: ['type=registry,ref=r/cache', 'type=local,src=/c'] },
      [
        'build',
        '--iidfile',
        '/s/iid',
        '--platform',
        'linux/arm64',
        '--cache-from',
        'r/cache',
        'ctx',
      ],
      [
        'The classic docker builder only reads cache from images; cache-from type=local,src=/c is ignored.',
      ],
    ],
    [
      'annotations it cannot set',
      { annotations: ['manifest:a=1', 'b=2'] },
      ['build', '--iidfile', '/s/iid', 'ctx'],
      [
        'The classic docker builder cannot set annotations; 2 ignored (install buildx to keep them).',
      ],
    ],
  ])('%s', (_name, overrides, args, warnings) => {
    const result = classicBuildArgs(buildRequest({ builder: 'docker', ...overrides }), {
      secretFiles: [],
      iidFile: '/s/iid',
    });
    expect(result.args).toEqual(args);
    expect(result.warnings).toEqual(warnings);
  });
});

describe('digests reported by docker', () => {
  it.each<[string, string, string | undefined]>([
    ['a push', `The push refers to repository [r/a]\n1: digest: ${DIGEST} size: 420\n`, DIGEST],
    ['no digest line', 'The push refers to repository [r/a]\n', undefined],
    ['a short digest', 'latest: digest: sha256:abc size: 1', undefined],
  ])('from %s', (_name, output, digest) => {
    expect(digestFromPushOutput(output)).toBe(digest);
  });

  it.each<[string, string, string, string | undefined]>([
    [
      'the tag repository',
      `["r.io/other@${OTHER_DIGEST}","r.io/app@${DIGEST}"]`,
      'r.io/app:1',
      DIGEST,
    ],
    ['a registry port', `["127.0.0.1:5000/app@${DIGEST}"]`, '127.0.0.1:5000/app:1', DIGEST],
    ['no entry for the repository', `["r.io/other@${DIGEST}"]`, 'r.io/app:1', undefined],
    ['no repo digests', 'null', 'r.io/app:1', undefined],
    ['not JSON', 'Error', 'r.io/app:1', undefined],
  ])('from RepoDigests: %s', (_name, json, tag, digest) => {
    expect(digestFromRepoDigests(json, tag)).toBe(digest);
  });

  it.each<[string, string, string | undefined]>([
    ['a pushed image', JSON.stringify({ 'containerimage.digest': DIGEST }), DIGEST],
    ['a build without an image', JSON.stringify({ 'buildx.build.ref': 'x' }), undefined],
    ['an empty file', '', undefined],
  ])('from buildx metadata: %s', (_name, json, digest) => {
    expect(digestFromBuildxMetadata(json)).toBe(digest);
  });
});

describe('reading references and options', () => {
  it.each([
    ['app:1', 'docker.io'],
    ['org/app:1', 'docker.io'],
    ['ghcr.io/org/app:1', 'ghcr.io'],
    ['127.0.0.1:5000/app:1', '127.0.0.1:5000'],
    ['localhost/app', 'localhost'],
  ])('%s lives on %s', (reference, host) => {
    expect(registryHost(reference)).toBe(host);
  });

  it.each<[string, { levels: string[]; entry: string }]>([
    ['org.a=1', { levels: [], entry: 'org.a=1' }],
    ['manifest:org.a=x:y', { levels: ['manifest'], entry: 'org.a=x:y' }],
    ['index,manifest:org.a=1', { levels: ['index', 'manifest'], entry: 'org.a=1' }],
  ])('annotation %s', (annotation, expected) => {
    expect(splitAnnotationLevels(annotation)).toEqual(expected);
  });

  it.each<[string, string | undefined]>([
    ['ghcr.io/o/cache', 'ghcr.io/o/cache'],
    ['type=registry,ref=ghcr.io/o/cache,mode=max', 'ghcr.io/o/cache'],
    ['ref=ghcr.io/o/cache', 'ghcr.io/o/cache'],
    ['type=gha,scope=x', undefined],
    ['type=registry', undefined],
    ['  ', undefined],
  ])('cache spec %s', (spec, reference) => {
    expect(registryCacheReference(spec)).toBe(reference);
  });

  it.each<[string | undefined, boolean]>([
    [undefined, false],
    ['', false],
    ['false', false],
    ['FALSE', false],
    ['true', true],
    ['mode=max', true],
  ])('attestation %s asked for: %s', (value, asked) => {
    expect(asksForAttestation(value)).toBe(asked);
  });

  it.each<['docker' | 'buildah', boolean, string[]]>([
    ['docker', false, ['login', '--username', 'u', '--password-stdin', 'r.io']],
    ['docker', true, ['login', '--username', 'u', '--password-stdin', 'r.io']],
    [
      'buildah',
      true,
      ['login', '--tls-verify=false', '--username', 'u', '--password-stdin', 'r.io'],
    ],
  ])('%s login (insecure %s) reads the password from stdin', (builder, insecure, args) => {
    expect(loginArgs(builder, 'r.io', 'u', { insecure })).toEqual(args);
  });
});
