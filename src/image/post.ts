import * as core from '@actions/core';
import { removeCredentialFiles } from '../core/credentials.js';
import { runPost } from '../core/run.js';
import { logout } from './builders/index.js';
import { LOGIN_STATE } from './state.js';

export async function run(): Promise<void> {
  await runPost('image', async () => {
    const saved = core.getState(LOGIN_STATE);
    if (saved) {
      const { builder, registry } = JSON.parse(saved) as {
        builder: 'docker' | 'buildah';
        registry: string;
      };
      await logout(builder, registry);
      core.info(`Logged out of ${registry}.`);
    }
    await removeCredentialFiles();
  });
}
