import { describe, expect, it } from 'vitest';
import {
  computeMetadata,
  type MetadataInputs,
  type Version,
} from '../../../src/image/metadata/index.js';
import { IMAGE, imageTags, inputsOf, loadEvent } from './events.js';

type Row = [
  name: string,
  fixture: string,
  inputs: Partial<MetadataInputs>,
  version: Version,
  tags: string[],
];

function check(fixture: string, inputs: Partial<MetadataInputs>, version: Version, tags: string[]) {
  const metadata = computeMetadata(inputsOf({ images: [IMAGE], ...inputs }), loadEvent(fixture));
  expect(metadata.version).toEqual(version);
  expect(metadata.tags).toEqual(tags);
}

const SEMVER_TAGS = [
  'type=semver,pattern={{version}}',
  'type=semver,pattern={{major}}.{{minor}}',
  'type=semver,pattern={{major}}',
];

describe('default tags (empty tags input)', () => {
  it.each<Row>([
    [
      'push to the default branch',
      'push-main',
      {},
      { main: 'main', partial: [], latest: false },
      imageTags('main'),
    ],
    [
      'push to another branch',
      'push-dev',
      {},
      { main: 'dev', partial: [], latest: false },
      imageTags('dev'),
    ],
    [
      'branch with invalid characters is sanitised',
      'push-branch-invalid-chars',
      {},
      { main: 'Feature-Cache-Redis-2', partial: [], latest: false },
      imageTags('Feature-Cache-Redis-2'),
    ],
    [
      'semver tag push gets latest',
      'push-tag-v1.2.3',
      {},
      { main: 'v1.2.3', partial: [], latest: true },
      imageTags('v1.2.3', 'latest'),
    ],
    [
      'prerelease tag push still gets latest (ref,event=tag has no prerelease rule)',
      'push-tag-prerelease',
      {},
      { main: 'v2.0.8-beta.67', partial: [], latest: true },
      imageTags('v2.0.8-beta.67', 'latest'),
    ],
    [
      'non-semver tag push',
      'push-tag-date',
      {},
      { main: '20200110-RC2', partial: [], latest: true },
      imageTags('20200110-RC2', 'latest'),
    ],
    [
      'tag with a slash',
      'push-tag-monorepo',
      {},
      { main: 'app-v1.4.0', partial: [], latest: true },
      imageTags('app-v1.4.0', 'latest'),
    ],
    [
      'pull request',
      'pull_request',
      {},
      { main: 'pr-42', partial: [], latest: false },
      imageTags('pr-42'),
    ],
    [
      'pull_request_target builds from the PR ref',
      'pull_request_target',
      {},
      { main: 'pr-43', partial: [], latest: false },
      imageTags('pr-43'),
    ],
    [
      'schedule gives nightly, then the branch',
      'schedule',
      {},
      { main: 'nightly', partial: ['main'], latest: false },
      imageTags('nightly', 'main'),
    ],
    [
      'workflow_dispatch on a branch',
      'workflow_dispatch',
      {},
      { main: 'main', partial: [], latest: false },
      imageTags('main'),
    ],
    [
      'release event',
      'release',
      {},
      { main: 'v1.2.3', partial: [], latest: true },
      imageTags('v1.2.3', 'latest'),
    ],
    [
      'create tag event',
      'create-tag',
      {},
      { main: 'v1.1.0', partial: [], latest: true },
      imageTags('v1.1.0', 'latest'),
    ],
    [
      'create branch event',
      'create-branch',
      {},
      { main: 'hotfix-login', partial: [], latest: false },
      imageTags('hotfix-login'),
    ],
    [
      'comment and blank lines alone mean the defaults',
      'push-main',
      { tags: ['# no tags yet', '  '] },
      { main: 'main', partial: [], latest: false },
      imageTags('main'),
    ],
  ])('%s', (_name, fixture, inputs, version, tags) => check(fixture, inputs, version, tags));
});

describe('type=semver', () => {
  it.each<Row>([
    [
      'version, major.minor and major',
      'push-tag-v1.2.3',
      { tags: SEMVER_TAGS },
      { main: '1.2.3', partial: ['1.2', '1'], latest: true },
      imageTags('1.2.3', '1.2', '1', 'latest'),
    ],
    [
      '{{raw}} keeps the v',
      'push-tag-v1.2.3',
      { tags: ['type=semver,pattern={{raw}}'] },
      { main: 'v1.2.3', partial: [], latest: true },
      imageTags('v1.2.3', 'latest'),
    ],
    [
      'v{{major}}, {{minor}} and {{patch}}',
      'push-tag-v1.2.3',
      {
        tags: [
          'type=semver,pattern=v{{major}}',
          'type=semver,pattern={{minor}}',
          'type=semver,pattern={{patch}}',
        ],
      },
      { main: 'v1', partial: ['2', '3'], latest: true },
      imageTags('v1', '2', '3', 'latest'),
    ],
    [
      'release event reads the tag ref',
      'release',
      { tags: SEMVER_TAGS },
      { main: '1.2.3', partial: ['1.2', '1'], latest: true },
      imageTags('1.2.3', '1.2', '1', 'latest'),
    ],
    [
      'prerelease: every pattern becomes {{version}}, no latest',
      'push-tag-prerelease',
      { tags: SEMVER_TAGS },
      { main: '2.0.8-beta.67', partial: [], latest: false },
      imageTags('2.0.8-beta.67'),
    ],
    [
      'prerelease: a lone {{raw}} stays raw',
      'push-tag-prerelease',
      { tags: ['type=semver,pattern={{raw}}'] },
      { main: 'v2.0.8-beta.67', partial: [], latest: false },
      imageTags('v2.0.8-beta.67'),
    ],
    [
      'prerelease: {{raw}} with other text becomes {{version}}',
      'push-tag-prerelease',
      { tags: ['type=semver,pattern=release-{{raw}}'] },
      { main: '2.0.8-beta.67', partial: [], latest: false },
      imageTags('2.0.8-beta.67'),
    ],
    [
      'skipped on a branch push',
      'push-main',
      { tags: [...SEMVER_TAGS, 'type=ref,event=branch'] },
      { main: 'main', partial: [], latest: false },
      imageTags('main'),
    ],
    [
      'invalid semver tag is skipped and the next entry decides',
      'push-tag-date',
      { tags: ['type=semver,pattern={{version}}', 'type=ref,event=tag'] },
      { main: '20200110-RC2', partial: [], latest: true },
      imageTags('20200110-RC2', 'latest'),
    ],
    [
      'value= works on any event',
      'push-main',
      {
        tags: [
          'type=semver,pattern={{version}},value=v3.1.0',
          'type=semver,pattern={{major}},value=v3.1.0',
        ],
      },
      { main: '3.1.0', partial: ['3'], latest: true },
      imageTags('3.1.0', '3', 'latest'),
    ],
    [
      'value= with a prerelease',
      'workflow_dispatch',
      { tags: ['type=semver,pattern={{major}},value=1.0.0-rc.1'] },
      { main: '1.0.0-rc.1', partial: [], latest: false },
      imageTags('1.0.0-rc.1'),
    ],
    [
      'value= from a global expression',
      'release',
      { tags: ['type=semver,pattern={{major}}.{{minor}},value={{tag}}'] },
      { main: '1.2', partial: [], latest: true },
      imageTags('1.2', 'latest'),
    ],
    [
      'match= picks the version out of a monorepo tag',
      'push-tag-monorepo',
      {
        tags: [
          'type=semver,pattern={{version}},match=app/v(\\d.\\d.\\d)',
          'type=semver,pattern={{major}}.{{minor}},match=app/v(\\d.\\d.\\d)',
        ],
      },
      { main: '1.4.0', partial: ['1.4'], latest: true },
      imageTags('1.4.0', '1.4', 'latest'),
    ],
    [
      'a slash tag without match= is not semver',
      'push-tag-monorepo',
      { tags: ['type=semver,pattern={{version}}'] },
      { main: undefined, partial: [], latest: false },
      [],
    ],
    [
      'match= that does not match keeps the tag',
      'push-tag-v1.2.3',
      { tags: ['type=semver,pattern={{version}},match=release-(.*)'] },
      { main: '1.2.3', partial: [], latest: true },
      imageTags('1.2.3', 'latest'),
    ],
    [
      'major zero: {{major}} disabled by enable=false',
      'workflow_dispatch',
      {
        tags: [
          'type=semver,pattern={{version}},value=v0.4.1',
          'type=semver,pattern={{major}}.{{minor}},value=v0.4.1',
          'type=semver,pattern={{major}},value=v0.4.1,enable=false',
        ],
      },
      { main: '0.4.1', partial: ['0.4'], latest: true },
      imageTags('0.4.1', '0.4', 'latest'),
    ],
  ])('%s', (_name, fixture, inputs, version, tags) => check(fixture, inputs, version, tags));
});

describe('type=pep440', () => {
  it.each<Row>([
    [
      'release candidate: only the cleaned version, no latest',
      'push-tag-pep440',
      { tags: ['type=pep440,pattern={{version}}', 'type=pep440,pattern={{major}}.{{minor}}'] },
      { main: '1.2.3rc2', partial: [], latest: false },
      imageTags('1.2.3rc2'),
    ],
    [
      'release candidate with {{raw}}',
      'push-tag-pep440',
      { tags: ['type=pep440,pattern={{raw}}'] },
      { main: '1.2.3rc2', partial: [], latest: false },
      imageTags('1.2.3rc2'),
    ],
    [
      '{{raw}} keeps a leading v',
      'workflow_dispatch',
      { tags: ['type=pep440,pattern={{raw}},value=v1.2.3rc2'] },
      { main: 'v1.2.3rc2', partial: [], latest: false },
      imageTags('v1.2.3rc2'),
    ],
    [
      'final release: version, major.minor, v{{major}}',
      'push-tag-v1.2.3',
      {
        tags: [
          'type=pep440,pattern={{version}}',
          'type=pep440,pattern={{major}}.{{minor}}',
          'type=pep440,pattern=v{{major}}',
        ],
      },
      { main: '1.2.3', partial: ['1.2', 'v1'], latest: true },
      imageTags('1.2.3', '1.2', 'v1', 'latest'),
    ],
    [
      'post release is normalised and gets no latest',
      'workflow_dispatch',
      { tags: ['type=pep440,pattern={{major}}.{{minor}},value=1.2.3post1'] },
      { main: '1.2.3.post1', partial: [], latest: false },
      imageTags('1.2.3.post1'),
    ],
    [
      'beta is normalised to b',
      'workflow_dispatch',
      { tags: ['type=pep440,pattern={{major}}.{{minor}},value=1.2.3beta2'] },
      { main: '1.2.3b2', partial: [], latest: false },
      imageTags('1.2.3b2'),
    ],
    [
      'dev release',
      'workflow_dispatch',
      { tags: ['type=pep440,pattern={{major}}.{{minor}},value=1.0dev4'] },
      { main: '1.0.dev4', partial: [], latest: false },
      imageTags('1.0.dev4'),
    ],
    [
      'two-part pre release',
      'workflow_dispatch',
      { tags: ['type=pep440,pattern={{version}},value=1.1b2'] },
      { main: '1.1b2', partial: [], latest: false },
      imageTags('1.1b2'),
    ],
    [
      'two-part final release has patch 0',
      'workflow_dispatch',
      { tags: ['type=pep440,pattern={{major}}.{{minor}}.{{patch}},value=1.2'] },
      { main: '1.2.0', partial: [], latest: true },
      imageTags('1.2.0', 'latest'),
    ],
    [
      'not PEP 440: skipped with a warning',
      'workflow_dispatch',
      { tags: ['type=pep440,pattern={{version}},value=not-a-version', 'type=ref,event=branch'] },
      { main: 'main', partial: [], latest: false },
      imageTags('main'),
    ],
    [
      'skipped on a branch push',
      'push-main',
      { tags: ['type=pep440,pattern={{version}}'] },
      { main: undefined, partial: [], latest: false },
      [],
    ],
  ])('%s', (_name, fixture, inputs, version, tags) => check(fixture, inputs, version, tags));
});

describe('type=match', () => {
  it.each<Row>([
    [
      'whole match of \\d.\\d.\\d',
      'push-tag-v1.2.3',
      { tags: ['type=match,pattern=\\d.\\d.\\d'] },
      { main: '1.2.3', partial: [], latest: true },
      imageTags('1.2.3', 'latest'),
    ],
    [
      'group 1 of a prerelease still gets latest',
      'push-tag-prerelease',
      { tags: ['type=match,pattern=v(.*),group=1'] },
      { main: '2.0.8-beta.67', partial: [], latest: true },
      imageTags('2.0.8-beta.67', 'latest'),
    ],
    [
      'group 1 with major.minor only',
      'push-tag-prerelease',
      { tags: ['type=match,pattern=v(\\d.\\d),group=1'] },
      { main: '2.0', partial: [], latest: true },
      imageTags('2.0', 'latest'),
    ],
    [
      'digits of a date tag',
      'push-tag-date',
      { tags: ['type=match,pattern=\\d+'] },
      { main: '20200110', partial: [], latest: true },
      imageTags('20200110', 'latest'),
    ],
    [
      'the tag is matched with its slash',
      'push-tag-monorepo',
      { tags: ['type=match,pattern=app/v(\\d.\\d.\\d),group=1'] },
      { main: '1.4.0', partial: [], latest: true },
      imageTags('1.4.0', 'latest'),
    ],
    [
      '/regex/flags form',
      'push-tag-v1.2.3',
      { tags: ['type=match,pattern=/^V(\\d+)\\.(\\d+)/i,group=2'] },
      { main: '2', partial: [], latest: true },
      imageTags('2', 'latest'),
    ],
    [
      'a quoted field may hold commas',
      'push-tag-v1.2.3',
      { tags: ['type=match,"pattern=^v(\\d{1,3})\\.(\\d{1,3})",group=1'] },
      { main: '1', partial: [], latest: true },
      imageTags('1', 'latest'),
    ],
    [
      'a group that does not exist is skipped',
      'push-tag-v1.2.3',
      { tags: ['type=match,pattern=v(\\d),group=3'] },
      { main: undefined, partial: [], latest: false },
      [],
    ],
    [
      'no match is skipped',
      'push-tag-v1.2.3',
      { tags: ['type=match,pattern=^release-', 'type=ref,event=tag,suffix=-tag'] },
      { main: 'v1.2.3-tag', partial: [], latest: true },
      imageTags('v1.2.3-tag', 'latest'),
    ],
    [
      'value= works on a branch push',
      'push-main',
      { tags: ['type=match,pattern=\\d+\\.\\d+,value=release-3.7'] },
      { main: '3.7', partial: [], latest: true },
      imageTags('3.7', 'latest'),
    ],
    [
      'skipped on a branch push without value=',
      'push-main',
      { tags: ['type=match,pattern=\\d+'] },
      { main: undefined, partial: [], latest: false },
      [],
    ],
  ])('%s', (_name, fixture, inputs, version, tags) => check(fixture, inputs, version, tags));
});

describe('type=edge, type=ref, type=raw, type=sha', () => {
  it.each<Row>([
    [
      'edge on the default branch',
      'push-main',
      { tags: ['type=edge'] },
      { main: 'edge', partial: [], latest: false },
      imageTags('edge'),
    ],
    [
      'no edge on another branch',
      'push-dev',
      { tags: ['type=edge'] },
      { main: undefined, partial: [], latest: false },
      [],
    ],
    [
      'edge for a named branch',
      'push-dev',
      { tags: ['type=edge,branch=dev'] },
      { main: 'edge', partial: [], latest: false },
      imageTags('edge'),
    ],
    [
      'no edge on a tag push',
      'push-tag-v1.2.3',
      { tags: ['type=edge'] },
      { main: undefined, partial: [], latest: false },
      [],
    ],
    [
      'ref,event=tag does nothing on a branch',
      'push-main',
      { tags: ['type=ref,event=tag'] },
      { main: undefined, partial: [], latest: false },
      [],
    ],
    [
      'ref,event=branch does nothing on a tag',
      'push-tag-v1.2.3',
      { tags: ['type=ref,event=branch'] },
      { main: undefined, partial: [], latest: false },
      [],
    ],
    [
      'ref,event=pr with prefix= removes the pr- default',
      'pull_request',
      { tags: ['type=ref,event=pr,prefix='] },
      { main: '42', partial: [], latest: false },
      imageTags('42'),
    ],
    [
      'ref,event=pr with prefix and suffix',
      'pull_request',
      { tags: ['type=ref,event=pr,prefix=pull-,suffix=-merge'] },
      { main: 'pull-42-merge', partial: [], latest: false },
      imageTags('pull-42-merge'),
    ],
    [
      'ref,event=branch on workflow_dispatch',
      'workflow_dispatch',
      { tags: ['type=ref,event=branch'] },
      { main: 'main', partial: [], latest: false },
      imageTags('main'),
    ],
    [
      'raw: value=, bare field with type, bare line',
      'push-main',
      { tags: ['type=raw,value=foo', 'type=raw,bar', 'baz'] },
      { main: 'foo', partial: ['bar', 'baz'], latest: false },
      imageTags('foo', 'bar', 'baz'),
    ],
    [
      'raw that renders empty is dropped',
      'push-main',
      { tags: ['type=raw,value={{tag}}'] },
      { main: undefined, partial: [], latest: false },
      [],
    ],
    [
      'raw latest enabled on the default branch',
      'push-main',
      { tags: ['type=ref,event=branch', 'type=raw,value=latest,enable={{is_default_branch}}'] },
      { main: 'main', partial: ['latest'], latest: false },
      imageTags('main', 'latest'),
    ],
    [
      'raw latest disabled on another branch',
      'push-dev',
      { tags: ['type=ref,event=branch', 'type=raw,value=latest,enable={{is_default_branch}}'] },
      { main: 'dev', partial: [], latest: false },
      imageTags('dev'),
    ],
    [
      'raw with branch and sha',
      'push-main',
      { tags: ['type=raw,value={{branch}}-{{sha}}'] },
      { main: 'main-c4f3d2a', partial: [], latest: false },
      imageTags('main-c4f3d2a'),
    ],
    [
      'duplicate values appear once',
      'push-main',
      {
        tags: [
          'type=raw,value=stable',
          'type=raw,value=candidate',
          'type=raw,value=stable',
          'type=raw,value=candidate',
        ],
      },
      { main: 'stable', partial: ['candidate'], latest: false },
      imageTags('stable', 'candidate'),
    ],
    [
      'sha short',
      'push-main',
      { tags: ['type=sha'] },
      { main: 'sha-c4f3d2a', partial: [], latest: false },
      imageTags('sha-c4f3d2a'),
    ],
    [
      'sha long',
      'push-main',
      { tags: ['type=sha,format=long'] },
      { main: 'sha-c4f3d2a1b0e9f8a7c6d5e4f3a2b1c0d9e8f7a6b5', partial: [], latest: false },
      imageTags('sha-c4f3d2a1b0e9f8a7c6d5e4f3a2b1c0d9e8f7a6b5'),
    ],
    [
      'sha with empty prefix and a suffix',
      'push-main',
      { tags: ['type=sha,prefix=,suffix=-{{branch}}'] },
      { main: 'c4f3d2a-main', partial: [], latest: false },
      imageTags('c4f3d2a-main'),
    ],
    [
      'sha prefixed by the branch',
      'push-main',
      { tags: ['type=sha,prefix={{branch}}-'] },
      { main: 'main-c4f3d2a', partial: [], latest: false },
      imageTags('main-c4f3d2a'),
    ],
    [
      'sha prefixed by the branch on a tag push starts with a dash',
      'push-tag-v1.2.3',
      { tags: ['type=sha,prefix={{branch}}-'] },
      { main: '-90dd603', partial: [], latest: false },
      imageTags('-90dd603'),
    ],
    [
      'sha of a pull request is the merge commit',
      'pull_request',
      { tags: ['type=ref,event=pr', 'type=sha'] },
      { main: 'pr-42', partial: ['sha-5f3c2b1'], latest: false },
      imageTags('pr-42', 'sha-5f3c2b1'),
    ],
    [
      'sha of pull_request_target is the base branch commit',
      'pull_request_target',
      { tags: ['type=ref,event=pr', 'type=sha'] },
      { main: 'pr-43', partial: ['sha-c4f3d2a'], latest: false },
      imageTags('pr-43', 'sha-c4f3d2a'),
    ],
  ])('%s', (_name, fixture, inputs, version, tags) => check(fixture, inputs, version, tags));
});

describe('type=schedule and dates', () => {
  it.each<Row>([
    [
      'nightly on schedule',
      'schedule',
      { tags: ['type=schedule'] },
      { main: 'nightly', partial: [], latest: false },
      imageTags('nightly'),
    ],
    [
      'nothing on push',
      'push-main',
      { tags: ['type=schedule'] },
      { main: undefined, partial: [], latest: false },
      [],
    ],
    [
      'date in UTC',
      'schedule',
      { tags: ["type=schedule,pattern={{date 'YYYYMMDD'}}"] },
      { main: '20260109', partial: [], latest: false },
      imageTags('20260109'),
    ],
    [
      'date in Tokyo is already the next day',
      'schedule',
      { tags: ["type=schedule,pattern={{date 'YYYYMMDD-HHmmss' tz='Asia/Tokyo'}}"] },
      { main: '20260110-084500', partial: [], latest: false },
      imageTags('20260110-084500'),
    ],
    [
      'date in New York',
      'schedule',
      { tags: ["type=schedule,pattern={{date 'YYYY-MM-DD-HH' tz='America/New_York'}}"] },
      { main: '2026-01-09-18', partial: [], latest: false },
      imageTags('2026-01-09-18'),
    ],
    [
      'long moment format (quoted for its commas) is sanitised',
      'schedule',
      { tags: ['type=schedule,"pattern={{date \'dddd, MMMM Do YYYY, h:mm:ss a\'}}"'] },
      { main: 'Friday-January-9th-2026-11-45-00-pm', partial: [], latest: false },
      imageTags('Friday-January-9th-2026-11-45-00-pm'),
    ],
    [
      'ISO week and quarter tokens',
      'schedule',
      {
        tags: [
          "type=schedule,pattern={{date 'GGGG[w]WW'}}",
          "type=schedule,pattern={{date 'YYYY[q]Q'}}",
        ],
      },
      { main: '2026w02', partial: ['2026q1'], latest: false },
      imageTags('2026w02', '2026q1'),
    ],
    [
      'schedule with a prefix',
      'schedule',
      { tags: ["type=schedule,pattern={{date 'YYYYMMDD'}},prefix=nightly-"] },
      { main: 'nightly-20260109', partial: [], latest: false },
      imageTags('nightly-20260109'),
    ],
    [
      'commit date from the push payload',
      'push-main',
      { tags: ["type=raw,value={{commit_date 'YYYYMMDD-HHmmss'}}"] },
      { main: '20260109-230405', partial: [], latest: false },
      imageTags('20260109-230405'),
    ],
    [
      'commit date in a time zone',
      'push-main',
      { tags: ["type=raw,value={{commit_date 'YYYYMMDD-HHmm' tz='Asia/Tokyo'}}"] },
      { main: '20260110-0804', partial: [], latest: false },
      imageTags('20260110-0804'),
    ],
    [
      'commit date of a tag push comes from head_commit',
      'push-tag-v1.2.3',
      { tags: ["type=raw,value={{commit_date 'YYYY.MM.DD'}}"] },
      { main: '2026.01.08', partial: [], latest: false },
      imageTags('2026.01.08'),
    ],
    [
      'commit date falls back to the run time',
      'schedule',
      { tags: ["type=schedule,pattern={{commit_date 'YYYYMMDD-HHmm'}}"] },
      { main: '20260109-2345', partial: [], latest: false },
      imageTags('20260109-2345'),
    ],
    [
      'an unquoted format gives the ISO date, as metadata-action does',
      'push-main',
      { tags: ['type=raw,value={{commit_date YYYY-MM-DD}}'] },
      { main: '2026-01-09T23-04-05Z', partial: [], latest: false },
      imageTags('2026-01-09T23-04-05Z'),
    ],
  ])('%s', (_name, fixture, inputs, version, tags) => check(fixture, inputs, version, tags));
});

describe('priority and latest', () => {
  it.each<Row>([
    [
      'semver (900) comes before ref (600) and sha (100)',
      'push-tag-v1.2.3',
      { tags: ['type=ref,event=tag', 'type=sha', 'type=semver,pattern={{version}}'] },
      { main: '1.2.3', partial: ['v1.2.3', 'sha-90dd603'], latest: true },
      imageTags('1.2.3', 'v1.2.3', 'sha-90dd603', 'latest'),
    ],
    [
      'a raw entry with priority 2000 takes the version and suppresses latest',
      'push-tag-v1.2.3',
      { tags: ['type=raw,value=foo,priority=2000', 'type=semver,pattern={{version}}'] },
      { main: 'foo', partial: ['1.2.3'], latest: false },
      imageTags('foo', '1.2.3'),
    ],
    [
      'equal priorities keep input order',
      'push-main',
      { tags: ['type=raw,value=b', 'type=raw,value=a', 'type=raw,value=c'] },
      { main: 'b', partial: ['a', 'c'], latest: false },
      imageTags('b', 'a', 'c'),
    ],
    [
      'sha raised above the branch',
      'push-main',
      { tags: ['type=ref,event=branch', 'type=sha,priority=1100'] },
      { main: 'sha-c4f3d2a', partial: ['main'], latest: false },
      imageTags('sha-c4f3d2a', 'main'),
    ],
    [
      'negative priority goes last',
      'push-main',
      { tags: ['type=raw,value=last,priority=-1', 'type=sha'] },
      { main: 'sha-c4f3d2a', partial: ['last'], latest: false },
      imageTags('sha-c4f3d2a', 'last'),
    ],
    [
      'sha above semver decides latest=false',
      'push-tag-v1.2.3',
      { tags: ['type=semver,pattern={{version}}', 'type=sha,priority=1000'] },
      { main: 'sha-90dd603', partial: ['1.2.3'], latest: false },
      imageTags('sha-90dd603', '1.2.3'),
    ],
    [
      'prerelease semver decides before match',
      'push-tag-prerelease',
      { tags: ['type=match,pattern=v(.*),group=1', 'type=semver,pattern={{version}}'] },
      { main: '2.0.8-beta.67', partial: [], latest: false },
      imageTags('2.0.8-beta.67'),
    ],
    [
      'latest=true on a branch',
      'push-main',
      { tags: ['type=ref,event=branch'], flavor: ['latest=true'] },
      { main: 'main', partial: [], latest: true },
      imageTags('main', 'latest'),
    ],
    [
      'latest=false on a release tag',
      'push-tag-v1.2.3',
      { tags: SEMVER_TAGS, flavor: ['latest=false'] },
      { main: '1.2.3', partial: ['1.2', '1'], latest: false },
      imageTags('1.2.3', '1.2', '1'),
    ],
    [
      'latest=true without any tag gives nothing',
      'push-main',
      { tags: ['type=semver,pattern={{version}}'], flavor: ['latest=true'] },
      { main: undefined, partial: [], latest: false },
      [],
    ],
    [
      'latest=auto with only a branch',
      'push-main',
      { tags: ['type=ref,event=branch'], flavor: ['latest=auto'] },
      { main: 'main', partial: [], latest: false },
      imageTags('main'),
    ],
  ])('%s', (_name, fixture, inputs, version, tags) => check(fixture, inputs, version, tags));
});

describe('flavor prefix and suffix', () => {
  it.each<Row>([
    [
      'prefix on every tag but latest',
      'push-tag-v1.2.3',
      { tags: SEMVER_TAGS.slice(0, 2), flavor: ['prefix=app-'] },
      { main: 'app-1.2.3', partial: ['app-1.2'], latest: true },
      imageTags('app-1.2.3', 'app-1.2', 'latest'),
    ],
    [
      'prefix on latest too with onlatest=true',
      'push-tag-v1.2.3',
      { tags: SEMVER_TAGS.slice(0, 1), flavor: ['prefix=app-,onlatest=true'] },
      { main: 'app-1.2.3', partial: [], latest: true },
      imageTags('app-1.2.3', 'app-latest'),
    ],
    [
      'suffix with onlatest=true',
      'push-tag-v1.2.3',
      { tags: SEMVER_TAGS.slice(0, 1), flavor: ['suffix=-alpine,onlatest=true'] },
      { main: '1.2.3-alpine', partial: [], latest: true },
      imageTags('1.2.3-alpine', 'latest-alpine'),
    ],
    [
      'prefix and suffix on separate lines, onlatest only for the suffix',
      'push-tag-v1.2.3',
      { tags: SEMVER_TAGS.slice(0, 1), flavor: ['prefix=app-', 'suffix=-slim,onlatest=true'] },
      { main: 'app-1.2.3-slim', partial: [], latest: true },
      imageTags('app-1.2.3-slim', 'latest-slim'),
    ],
    [
      "an entry's own prefix= replaces the flavor's",
      'push-tag-v1.2.3',
      {
        tags: ['type=semver,pattern={{version}}', 'type=semver,pattern={{major}},prefix='],
        flavor: ['prefix=app-'],
      },
      { main: 'app-1.2.3', partial: ['1'], latest: true },
      imageTags('app-1.2.3', '1', 'latest'),
    ],
    [
      "sha's default sha- prefix replaces the flavor's",
      'push-main',
      { tags: ['type=sha'], flavor: ['prefix=app-'] },
      { main: 'sha-c4f3d2a', partial: [], latest: false },
      imageTags('sha-c4f3d2a'),
    ],
    [
      'a templated prefix is rendered on latest too (metadata-action would emit it unrendered)',
      'push-main',
      {
        tags: ['type=ref,event=branch'],
        flavor: ['latest=true', 'prefix={{branch}}-,onlatest=true'],
      },
      { main: 'main-main', partial: [], latest: true },
      imageTags('main-main', 'main-latest'),
    ],
    [
      'flavor prefix with a global expression',
      'push-main',
      { tags: ['type=raw,value=build'], flavor: ['prefix={{branch}}-'] },
      { main: 'main-build', partial: [], latest: false },
      imageTags('main-build'),
    ],
    [
      'a suffix with invalid characters is sanitised, latest too',
      'push-tag-v1.2.3',
      { tags: SEMVER_TAGS.slice(0, 1), flavor: ['suffix=+build,onlatest=true'] },
      { main: '1.2.3-build', partial: [], latest: true },
      imageTags('1.2.3-build', 'latest-build'),
    ],
  ])('%s', (_name, fixture, inputs, version, tags) => check(fixture, inputs, version, tags));
});

describe('images', () => {
  it.each<Row>([
    [
      'tags for each image in input order',
      'push-tag-v1.2.3',
      { images: ['ghcr.io/octo-org/app', 'octoorg/app'], tags: SEMVER_TAGS.slice(0, 2) },
      { main: '1.2.3', partial: ['1.2'], latest: true },
      [
        'ghcr.io/octo-org/app:1.2.3',
        'ghcr.io/octo-org/app:1.2',
        'ghcr.io/octo-org/app:latest',
        'octoorg/app:1.2.3',
        'octoorg/app:1.2',
        'octoorg/app:latest',
      ],
    ],
    [
      'enable=false leaves an image out',
      'push-main',
      { images: ['name=ghcr.io/octo-org/app', 'name=octoorg/app,enable=false'] },
      { main: 'main', partial: [], latest: false },
      ['ghcr.io/octo-org/app:main'],
    ],
    [
      'one line of comma-separated images',
      'push-main',
      { images: ['ghcr.io/octo-org/app,octoorg/app'] },
      { main: 'main', partial: [], latest: false },
      ['ghcr.io/octo-org/app:main', 'octoorg/app:main'],
    ],
    [
      'names are lower-cased',
      'push-main',
      { images: ['GHCR.io/Octo-Org/App'] },
      { main: 'main', partial: [], latest: false },
      ['ghcr.io/octo-org/app:main'],
    ],
    [
      'no image gives bare tags',
      'push-tag-v1.2.3',
      { images: [], tags: SEMVER_TAGS.slice(0, 1) },
      { main: '1.2.3', partial: [], latest: true },
      ['1.2.3', 'latest'],
    ],
    [
      'registry with a port',
      'push-main',
      { images: ['localhost:5000/octo-org/app'] },
      { main: 'main', partial: [], latest: false },
      ['localhost:5000/octo-org/app:main'],
    ],
    [
      'every image disabled gives bare tags',
      'push-main',
      { images: ['name=octoorg/app,enable=false'] },
      { main: 'main', partial: [], latest: false },
      ['main'],
    ],
  ])('%s', (_name, fixture, inputs, version, tags) => check(fixture, inputs, version, tags));
});

describe('global expressions', () => {
  it.each<Row>([
    [
      '{{base_ref}} on a pull request',
      'pull_request',
      { tags: ['type=raw,value=into-{{base_ref}}'] },
      { main: 'into-main', partial: [], latest: false },
      imageTags('into-main'),
    ],
    [
      '{{base_ref}} on a tag push reads the payload',
      'push-tag-v1.2.3',
      { tags: ['type=raw,value=from-{{base_ref}}'] },
      { main: 'from-main', partial: [], latest: false },
      imageTags('from-main'),
    ],
    [
      '{{base_ref}} is empty on a branch',
      'push-main',
      { tags: ['type=raw,value=from-{{base_ref}}'] },
      { main: 'from-', partial: [], latest: false },
      imageTags('from-'),
    ],
    [
      '{{tag}} on a release',
      'release',
      { tags: ['type=raw,value=release-{{tag}}'] },
      { main: 'release-v1.2.3', partial: [], latest: false },
      imageTags('release-v1.2.3'),
    ],
    [
      '{{is_default_branch}} is false on a pull request',
      'pull_request',
      {
        tags: [
          'type=raw,value=latest,enable={{is_default_branch}}',
          'type=raw,value=preview,enable={{is_not_default_branch}}',
        ],
      },
      { main: 'preview', partial: [], latest: false },
      imageTags('preview'),
    ],
    [
      '{{is_default_branch}} is false on a tag push',
      'push-tag-v1.2.3',
      {
        tags: [
          'type=raw,value=stable,enable={{is_default_branch}}',
          'type=raw,value=tagged,enable={{is_not_default_branch}}',
        ],
      },
      { main: 'tagged', partial: [], latest: false },
      imageTags('tagged'),
    ],
    [
      '{{is_default_branch}} on schedule',
      'schedule',
      { tags: ['type=raw,value=stable,enable={{is_default_branch}}'] },
      { main: 'stable', partial: [], latest: false },
      imageTags('stable'),
    ],
    [
      '{{is_default_branch}} is true for a create event on any branch',
      'create-branch',
      { tags: ['type=raw,value=stable,enable={{is_default_branch}}'] },
      { main: 'stable', partial: [], latest: false },
      imageTags('stable'),
    ],
    [
      '{{is_not_default_branch}} on another branch',
      'push-dev',
      { tags: ['type=raw,value=preview,enable={{is_not_default_branch}}'] },
      { main: 'preview', partial: [], latest: false },
      imageTags('preview'),
    ],
    [
      '{{date}} in a raw value',
      'push-main',
      { tags: ["type=raw,value=build-{{date 'YYYYMMDDHHmm'}}"] },
      { main: 'build-202601092345', partial: [], latest: false },
      imageTags('build-202601092345'),
    ],
    [
      'invalid characters in a value are sanitised',
      'push-main',
      { tags: ['type=raw,value=v1.0 final!'] },
      { main: 'v1.0-final-', partial: [], latest: false },
      imageTags('v1.0-final-'),
    ],
  ])('%s', (_name, fixture, inputs, version, tags) => check(fixture, inputs, version, tags));
});

describe('outputs', () => {
  it('tag names are the tags without images, and warnings explain empty results', () => {
    const metadata = computeMetadata(
      inputsOf({
        images: ['ghcr.io/octo-org/app', 'octoorg/app'],
        tags: ['type=semver,pattern={{version}}'],
      }),
      loadEvent('push-tag-date'),
    );
    expect(metadata.tags).toEqual([]);
    expect(metadata.tagNames).toEqual([]);
    expect(metadata.images).toEqual(['ghcr.io/octo-org/app', 'octoorg/app']);
    expect(metadata.warnings).toEqual([
      '20200110-RC2 is not a valid semver. More info: https://semver.org/',
      'No Docker tag has been generated. Check tags input.',
    ]);
  });

  it('tag names are deduplicated across images', () => {
    const metadata = computeMetadata(
      inputsOf({ images: ['ghcr.io/octo-org/app', 'octoorg/app'], tags: SEMVER_TAGS }),
      loadEvent('push-tag-v1.2.3'),
    );
    expect(metadata.tagNames).toEqual(['1.2.3', '1.2', '1', 'latest']);
    expect(metadata.json).toMatchObject({ 'tag-names': ['1.2.3', '1.2', '1', 'latest'] });
  });
});
