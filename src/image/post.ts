import * as core from '@actions/core';
import { removeCredentialFiles } from '../core/credentials.js';
import { runPost } from '../core/run.js';
import { logout } from './builders/index.js';
import { loginState } from './state.js';

export async function run(): Promise<void> {
  await runPost('image', async () => {
    const saved = loginState.read();
    if (saved) {
      const { engine, registry } = saved;
      await logout(engine, registry);
      core.info(`Logged out of ${registry}.`);
    }
    await removeCredentialFiles();
  });
}
