import { describe, expect, it } from 'vitest';
import { lowercaseRepository } from '../../src/image/promote-source.js';

describe('lowercaseRepository', () => {
  it.each([
    ['ghcr.io/Octo-Org/App:sha-90dd603', 'ghcr.io/octo-org/app:sha-90dd603'],
    ['ghcr.io/octo-org/app:Release-Candidate', 'ghcr.io/octo-org/app:Release-Candidate'],
    ['localhost:5000/Team/App:v1', 'localhost:5000/team/app:v1'],
    ['localhost:5000/Team/App', 'localhost:5000/team/app'],
    ['Registry.Example.com/App@sha256:ABCDEF', 'registry.example.com/app@sha256:ABCDEF'],
    ['ghcr.io/Octo/App:v1@sha256:abc', 'ghcr.io/octo/app:v1@sha256:abc'],
  ])('%s → %s', (given, expected) => {
    expect(lowercaseRepository(given)).toBe(expected);
  });
});
