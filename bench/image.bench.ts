/**
 * Releasing by promotion: the image action copies the manifest of an image already built for the
 * commit to the release tags (1.2.3, 1.2, 1, latest) on a local docker-registry, compared with
 * building the same image with the action (buildah, FROM scratch, fresh storage as on a new
 * runner) and pushing it. Alternating build and promotion; whole action runs (main and post).
 */
import { describe, expect, it } from 'vitest';
import { createBuildahEnvironment } from '../test/support/buildah.js';
import { startRegistry } from '../test/support/registry.js';
import { runAction } from '../test/support/runner.js';
import { buildContext, IMAGE, recordedEvent } from '../test/e2e/image-support.js';
import { writePart } from './support/figures.js';
import { median, round } from './support/stats.js';

const ROUNDS = 5;
const tagPush = recordedEvent('push-tag-v1.2.3');
const RELEASE_TAGS =
  'type=semver,pattern={{version}}\ntype=semver,pattern={{major}}.{{minor}}\ntype=semver,pattern={{major}}';

async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const started = process.hrtime.bigint();
  const result = await work();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, result };
}

describe('release promotion', () => {
  it('promotes into 4 tags, beside building the image', async () => {
    const registry = await startRegistry();
    const builds: number[] = [];
    const promotions: number[] = [];
    try {
      for (let round = 0; round < ROUNDS; round += 1) {
        const repository = `${registry.host}/octo/release-${round}`;
        const containers = await createBuildahEnvironment([registry.host]);
        try {
          const workspace = await buildContext();
          const build = await timed(() =>
            runAction(IMAGE, {
              ...tagPush,
              workspace,
              env: { ...tagPush.env, ...containers.env },
              inputs: { images: repository, tags: 'type=sha', push: 'true', engine: 'buildah' },
              timeoutMs: 300_000,
            }),
          );
          expect(build.result.main.exitCode, build.result.main.stdout).toBe(0);
          builds.push(build.seconds);
        } finally {
          await containers.remove();
        }
        const promotion = await timed(() =>
          runAction(IMAGE, {
            ...tagPush,
            inputs: {
              images: repository,
              tags: RELEASE_TAGS,
              'promote-from': `${repository}:sha-{{sha}}`,
            },
          }),
        );
        expect(promotion.result.main.exitCode, promotion.result.main.stdout).toBe(0);
        expect(promotion.result.main.outputs.refs.split('\n')).toHaveLength(4);
        promotions.push(promotion.seconds);
      }
    } finally {
      await registry.stop();
    }
    await writePart({
      bench: '5-image',
      figures: [
        {
          name: 'promote.seconds',
          value: round(median(promotions), 2),
          unit: 'seconds',
          comparedWith: 'build.seconds: promotion copies the manifest to 1.2.3, 1.2, 1 and latest',
        },
        {
          name: 'build.seconds',
          value: round(median(builds), 2),
          unit: 'seconds',
          comparedWith:
            'the image action building and pushing the same FROM-scratch image with buildah (vfs, cold)',
        },
      ],
    });
  }, 900_000);
});
