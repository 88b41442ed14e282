import { describe, expect, it } from 'vitest';
import { ActionError, InputError } from '../../../src/core/errors.js';
import {
  computeMetadata,
  MetadataError,
  type MetadataInputs,
} from '../../../src/image/metadata/index.js';
import { inputsOf, loadEvent } from './events.js';

type Row = [
  name: string,
  inputs: Partial<MetadataInputs>,
  input: string,
  line: string | undefined,
  problem: RegExp,
];

function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

function tagRow(name: string, line: string, problem: RegExp): Row {
  return [name, { tags: [line] }, 'tags', line, problem];
}

describe('bad input is an error that names the input and quotes the line', () => {
  it.each<Row>([
    tagRow(
      'unknown tag type',
      'type=sem,pattern={{version}}',
      /unknown type 'sem'; known types: schedule, semver, pep440, match, edge, ref, raw, sha/,
    ),
    tagRow('type is case-sensitive', 'type=Semver,pattern={{version}}', /unknown type 'Semver'/),
    tagRow('semver without pattern', 'type=semver', /type=semver without a pattern/),
    tagRow('pep440 without pattern', 'type=pep440,value=1.0', /type=pep440 without a pattern/),
    tagRow('match without pattern', 'type=match,group=1', /type=match without a pattern/),
    tagRow('ref without event', 'type=ref', /type=ref without an event/),
    tagRow(
      'ref with an unknown event',
      'type=ref,event=commit',
      /event=commit; the events are branch, tag and pr/,
    ),
    tagRow('raw without value', 'type=raw', /type=raw without a value/),
    tagRow(
      'sha with an unknown format',
      'type=sha,format=medium',
      /format=medium; the formats are short and long/,
    ),
    tagRow(
      'non-numeric group',
      'type=match,pattern=v(.*),group=one',
      /group=one, which is not a group number/,
    ),
    tagRow(
      'non-numeric priority',
      'type=sha,priority=high',
      /priority=high, which is not a number/,
    ),
    tagRow(
      'unknown attribute',
      'type=sha,length=12',
      /attribute 'length', which type=sha does not take/,
    ),
    tagRow(
      'attribute of another type',
      'type=raw,value=x,pattern={{version}}',
      /attribute 'pattern', which type=raw does not take/,
    ),
    tagRow(
      'unquoted comma in a date format',
      "type=schedule,pattern={{date 'D, MMM'}}",
      /a field without '=' counts as value=/,
    ),
    tagRow(
      'unknown global expression',
      'type=raw,value={{brnach}}',
      /uses \{\{brnach\}\}, which is unknown here; known: \{\{branch\}\}/,
    ),
    tagRow(
      'version expression outside a version pattern',
      'type=raw,value={{version}}',
      /uses \{\{version\}\}, which is unknown here/,
    ),
    tagRow(
      'global expression in a semver pattern',
      'type=semver,pattern={{branch}}-{{version}}',
      /uses \{\{branch\}\}, which is unknown in a version pattern/,
    ),
    tagRow(
      'global expression in a schedule pattern',
      'type=schedule,pattern=nightly-{{branch}}',
      /uses \{\{branch\}\}, which is unknown in a schedule pattern/,
    ),
    tagRow(
      'unknown date attribute',
      "type=schedule,pattern={{date 'YYYYMMDD' zone='UTC'}}",
      /unknown zone attribute in \{\{date\}\}/,
    ),
    tagRow(
      'unknown time zone',
      "type=raw,value={{date 'YYYYMMDD' tz='Mars/Olympus'}}",
      /tz='Mars\/Olympus' in \{\{date\}\}, which is not an IANA time zone/,
    ),
    tagRow(
      'arguments to a value expression',
      "type=raw,value={{sha 'long'}}",
      /passes arguments to \{\{sha\}\}, which takes none/,
    ),
    tagRow(
      'block helper',
      'type=raw,value={{#if branch}}x{{/if}}',
      /template construct that is not supported/,
    ),
    tagRow(
      'template that does not parse',
      'type=raw,value={{branch',
      /template that does not parse/,
    ),
    tagRow('unknown expression in prefix', 'type=sha,prefix={{ref}}-', /uses \{\{ref\}\}/),
    tagRow('unknown expression in enable', 'type=sha,enable={{is_main}}', /uses \{\{is_main\}\}/),
    tagRow(
      'regex that does not compile',
      'type=match,pattern=v(\\d',
      /regular expression that does not compile/,
    ),
    tagRow('quote never closed', 'type=match,"pattern=v(.*)', /quote that is never closed/),
    tagRow(
      'text after a closing quote',
      'type=match,"pattern"=v(.*)',
      /text after a closing quote/,
    ),
    tagRow(
      'enable that is not a boolean',
      'type=sha,enable=yes',
      /enable=yes, which gave 'yes'; enable must come out as true or false/,
    ),
    tagRow(
      'enable that renders to a branch name',
      'type=sha,enable={{branch}}',
      /enable=\{\{branch\}\}, which gave 'main'/,
    ),
    [
      'unknown flavor key',
      { flavor: ['latset=true'] },
      'flavor',
      'latset=true',
      /unknown key 'latset'/,
    ],
    [
      'bad latest value',
      { flavor: ['latest=maybe'] },
      'flavor',
      'latest=maybe',
      /latest=maybe; use auto, true, false or highest/,
    ],
    [
      'flavor entry without =',
      { flavor: ['latest'] },
      'flavor',
      'latest',
      /'latest', which is not a key=value entry/,
    ],
    [
      'bad onlatest value',
      { flavor: ['prefix=app-,onlatest=yes'] },
      'flavor',
      'prefix=app-,onlatest=yes',
      /onlatest=yes; use true or false/,
    ],
    [
      'onlatest without prefix or suffix',
      { flavor: ['onlatest=true'] },
      'flavor',
      'onlatest=true',
      /onlatest without a prefix= or suffix=/,
    ],
    [
      'unknown expression in a flavor prefix',
      { flavor: ['prefix={{brnach}}-'] },
      'flavor',
      'prefix={{brnach}}-',
      /uses \{\{brnach\}\}/,
    ],
    [
      'image name with a space',
      { images: ['ghcr.io/octo-org/my app'] },
      'images',
      'ghcr.io/octo-org/my app',
      /invalid image name 'ghcr.io\/octo-org\/my app': it contains whitespace/,
    ],
    [
      'image name with a tag',
      { images: ['ghcr.io/octo-org/app:1.0'] },
      'images',
      'ghcr.io/octo-org/app:1.0',
      /carries no tag or digest/,
    ],
    [
      'image name with a digest',
      { images: ['octoorg/app@sha256:abc'] },
      'images',
      'octoorg/app@sha256:abc',
      /carries no tag or digest/,
    ],
    [
      'image path starting with a separator',
      { images: ['octoorg/-app'] },
      'images',
      'octoorg/-app',
      /invalid image name 'octoorg\/-app'/,
    ],
    [
      'image with an invalid registry port',
      { images: ['localhost:port/app'] },
      'images',
      'localhost:port/app',
      /'localhost:port' is not a valid registry host\[:port\]/,
    ],
    [
      'image with an empty component',
      { images: ['octoorg//app'] },
      'images',
      'octoorg//app',
      /invalid image name/,
    ],
    [
      'bad image enable value',
      { images: ['name=octoorg/app,enable=maybe'] },
      'images',
      'name=octoorg/app,enable=maybe',
      /enable=maybe; use true or false/,
    ],
    [
      'unknown image attribute',
      { images: ['name=octoorg/app,tag=1.0'] },
      'images',
      'name=octoorg/app,tag=1.0',
      /unknown attribute 'tag'/,
    ],
    [
      'image line without a name',
      { images: ['enable=true'] },
      'images',
      'enable=true',
      /has no image name/,
    ],
    [
      'two names on one line among several',
      { images: ['octoorg/app,octoorg/web', 'name=ghcr.io/octo-org/app'] },
      'images',
      'octoorg/app,octoorg/web',
      /names more than one image/,
    ],
    [
      'unknown expression in a label',
      { labels: ['org.opencontainers.image.title={{repo}}'] },
      'labels',
      'org.opencontainers.image.title={{repo}}',
      /uses \{\{repo\}\}/,
    ],
    [
      'unknown expression in an annotation',
      { annotations: ["org.opencontainers.image.created={{date 'YYYY' tz='Nowhere'}}"] },
      'annotations',
      "org.opencontainers.image.created={{date 'YYYY' tz='Nowhere'}}",
      /not an IANA time zone/,
    ],
    [
      'unknown annotation level',
      { annotationLevels: ['manifest', 'indexes'] },
      'annotation-levels',
      undefined,
      /'indexes' is not an annotation level/,
    ],
    [
      'sha length out of range',
      { shaLength: 0 },
      'sha-length',
      undefined,
      /must be a whole number from 1 to 64, got 0/,
    ],
  ])('%s', (_name, inputs, input, line, problem) => {
    const error = thrownBy(() => computeMetadata(inputsOf(inputs), loadEvent('push-main')));
    expect(error).toBeInstanceOf(MetadataError);
    expect(error).toBeInstanceOf(InputError);
    const metadataError = error as MetadataError;
    expect(metadataError.input).toBe(input);
    expect(metadataError.line).toBe(line);
    expect(metadataError.message).toMatch(new RegExp(`^Input '${input}' `));
    if (line !== undefined) expect(metadataError.message).toContain(`line "${line}"`);
    expect(metadataError.message).toMatch(problem);
    expect(metadataError.hint).toMatch(new RegExp(`^For example: ${input}: `));
  });

  it('errors in entries that would not fire on this event are still reported', () => {
    const error = thrownBy(() =>
      computeMetadata(
        inputsOf({ tags: ["type=schedule,pattern={{date 'YYYY' zone='UTC'}}"] }),
        loadEvent('push-main'),
      ),
    );
    expect(error).toBeInstanceOf(MetadataError);
  });

  it('a bad DOCKER_METADATA_SHORT_SHA_LENGTH names the variable', () => {
    const error = thrownBy(() =>
      computeMetadata(
        inputsOf({ tags: ['type=sha'] }),
        loadEvent('push-main', { env: { DOCKER_METADATA_SHORT_SHA_LENGTH: 'twelve' } }),
      ),
    );
    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).message).toBe(
      'DOCKER_METADATA_SHORT_SHA_LENGTH is not a valid number: twelve',
    );
  });
});
