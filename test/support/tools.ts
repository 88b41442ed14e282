import { spawnSync } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';

/**
 * Tests that drive a real program (kubectl, buildah, prometheus...) declare it here. Locally a
 * missing program skips the tests with a loud notice naming the Debian package; under CI=true
 * it fails them, because .ci/run installs every such package and a skip would hide a gap.
 */

export interface RequiredTool {
  program: string;
  /** The Debian package that provides it, as .ci/run installs it. */
  debianPackage: string;
  /** Arguments that make the program print its version and exit 0. */
  versionArgs?: string[];
}

export function toolAvailable(tool: RequiredTool): boolean {
  const result = spawnSync(tool.program, tool.versionArgs ?? ['--version'], {
    stdio: 'ignore',
    timeout: 30_000,
  });
  return result.error === undefined && result.status === 0;
}

export function describeWithTool(tool: RequiredTool, name: string, body: () => void): void {
  if (toolAvailable(tool)) {
    describe(name, body);
    return;
  }
  const message = `${tool.program} is not installed: apt-get install ${tool.debianPackage} (or run .ci/run).`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      it(`needs ${tool.program}`, () => {
        throw new Error(message);
      });
    });
    return;
  }
  console.warn(`\n*** SKIPPING "${name}": ${message} ***\n`);
  describe.skip(name, body);
}

/**
 * The machine's rustup toolchain. The harness gives each job a HOME of its own, so a run that
 * calls cargo passes these, as a GitHub runner's HOME holds its toolchain.
 */
export function rustToolchainEnv(): Record<string, string> {
  const home = homedir();
  return {
    RUSTUP_HOME: process.env.RUSTUP_HOME ?? join(home, '.rustup'),
    CARGO_HOME: process.env.CARGO_HOME ?? join(home, '.cargo'),
  };
}
