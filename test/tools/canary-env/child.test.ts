import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { startChild } from '../../../tools/canary-env/child.js';
import { endsWithin, firstLineOfKilledOwner, processRuns } from '../../support/canary-env.js';

describe.runIf(process.platform === 'linux')('startChild', () => {
  it('ends the child when the process that started it is killed before it can stop it', async () => {
    const pid = Number(
      await firstLineOfKilledOwner(
        "import { startChild } from './child.js';\n" +
          "const child = await startChild('sleep', ['60']);\n" +
          'console.log(child.pid);',
      ),
    );
    expect(pid).toBeGreaterThan(0);
    try {
      expect(await endsWithin(pid, 3000)).toBe(true);
    } finally {
      if (processRuns(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('keeps the pid it reports: stop() ends that very process', async () => {
    const child = await startChild('sleep', ['60']);
    await sleep(200);
    expect(readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0')[0]).toBe('sleep');
    await child.stop();
    expect(processRuns(child.pid)).toBe(false);
  });

  it('names a missing program and how to install it', async () => {
    await expect(
      startChild('no-such-program-for-slipway', [], { missingHint: 'Install it with apt.' }),
    ).rejects.toThrow('no-such-program-for-slipway was not found. Install it with apt.');
  });
});
