import { describe, expect, it } from 'vitest';
import {
  asArray,
  asMapping,
  isMapping,
  mappingOrUndefined,
  mappingsOf,
} from '../../src/core/mapping.js';

// What parsed YAML can hold where a manifest or kubectl output should have a mapping.
const notMappings: unknown[] = [null, undefined, [], [{ a: 1 }], 'text', 0, true];

describe('mapping helpers', () => {
  it('accept a mapping as it is, the same object', () => {
    const metadata = { name: 'web', labels: { app: 'web' } };
    expect(isMapping(metadata)).toBe(true);
    expect(asMapping(metadata)).toBe(metadata);
    expect(mappingOrUndefined(metadata)).toBe(metadata);
  });

  it.each(notMappings)('treat %j as no mapping', (value) => {
    expect(isMapping(value)).toBe(false);
    expect(asMapping(value)).toEqual({});
    expect(mappingOrUndefined(value)).toBeUndefined();
  });

  it('read nested fields through missing levels without throwing', () => {
    const deployment: unknown = { spec: { template: null } };
    expect(asMapping(asMapping(asMapping(deployment).spec).template).spec).toBeUndefined();
  });

  it('keep only the mappings of a list, and no list when it is not an array', () => {
    const containers = [{ name: 'app' }, 'stray', null, ['nested'], { name: 'sidecar' }];
    expect(mappingsOf(containers)).toEqual([{ name: 'app' }, { name: 'sidecar' }]);
    expect(mappingsOf({ name: 'app' })).toEqual([]);
    expect(asArray(containers)).toBe(containers);
    expect(asArray('a,b')).toEqual([]);
  });
});
