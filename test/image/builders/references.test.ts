import { describe, expect, it } from 'vitest';
import {
  asksForAttestation,
  registryCacheReference,
  registryHost,
  splitAnnotationLevels,
} from '../../../src/image/builders/references.js';

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
});
