#!/usr/bin/env node
// @ts-check
/**
 * npm run kube-sim -- --kubeconfig PATH [--port N] [--config FILE]
 * Runs in the foreground until SIGTERM or SIGINT.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { startKubeSim } from './server.js';

const USAGE = 'usage: kube-sim --kubeconfig PATH [--port N] [--config FILE]';

async function main() {
  const { values } = parseArgs({
    options: {
      kubeconfig: { type: 'string' },
      port: { type: 'string' },
      config: { type: 'string' },
    },
  });
  if (!values.kubeconfig) throw new Error(`--kubeconfig is required\n${USAGE}`);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a number from 0 to 65535, for example --port 8443\n${USAGE}`);
  }
  const config = values.config ? (parseYaml(await readFile(values.config, 'utf8')) ?? {}) : {};
  const sim = await startKubeSim({ port, config, kubeconfigPath: values.kubeconfig });
  process.stdout.write(`kube-sim ready at ${sim.url}\n`);
  const shutdown = () => {
    sim.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error) => {
  process.stderr.write(`kube-sim: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
