import { describe, expect, it } from 'vitest';
import { RegistryClient } from '../../../src/image/registry/client.js';

describe('RegistryClient: plain HTTP only when told, or on loopback', () => {
  it.each<[registry: string, insecure: boolean | undefined, baseUrl: string]>([
    ['ghcr.io', undefined, 'https://ghcr.io'],
    ['registry-1.docker.io', undefined, 'https://registry-1.docker.io'],
    ['registry.internal:5000', undefined, 'https://registry.internal:5000'],
    ['registry.internal:5000', true, 'http://registry.internal:5000'],
    ['localhost:5000', undefined, 'http://localhost:5000'],
    ['127.0.0.1:34567', undefined, 'http://127.0.0.1:34567'],
    ['[::1]:5000', undefined, 'http://[::1]:5000'],
    ['localhost:5443', false, 'https://localhost:5443'],
  ])('%s (insecure: %s) -> %s', (registry, insecure, baseUrl) => {
    expect(new RegistryClient({ registry, insecure }).baseUrl).toBe(baseUrl);
  });
});
