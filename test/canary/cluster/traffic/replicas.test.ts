import { expect, it } from 'vitest';
import { canaryReplicas } from '../../../../src/canary/cluster/traffic/replicas.js';

it.each([
  { stable: 4, weight: 10, current: 0, canary: 1 },
  { stable: 4, weight: 25, current: 1, canary: 1 },
  { stable: 4, weight: 75, current: 1, canary: 12 },
  { stable: 10, weight: 10, current: 0, canary: 1 },
  { stable: 10, weight: 50, current: 1, canary: 10 },
  { stable: 10, weight: 100, current: 30, canary: 30 },
  { stable: 3, weight: 100, current: 0, canary: 1 },
  { stable: 3, weight: 0, current: 2, canary: 0 },
])('replicas mode: stable $stable at $weight% → $canary canary pods', (row) => {
  expect(canaryReplicas(row.stable, row.weight, row.current)).toBe(row.canary);
});
