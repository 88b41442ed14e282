/**
 * A server-side dry run stores nothing, so a Namespace the manifests create does not exist for
 * the objects in it, and the server would refuse each with `namespaces "x" not found` although
 * the deploy itself would go through. Such a Namespace is dry-run by itself and the objects in it
 * are left to the deploy, which says so in a notice rather than failing or claiming it checked them.
 */
import * as core from '@actions/core';
import type { Kubectl } from '../core/kubectl.js';
import { escapeUntrusted } from '../core/log.js';
import type { ObjectRef } from '../core/manifests.js';

/**
 * The namespaces `objects` create that do not exist yet, each dry-run as a create; throws what
 * the server refused.
 */
export async function namespacesToCreate(
  kubectl: Kubectl,
  objects: readonly ObjectRef[],
): Promise<Set<string>> {
  const names = objects
    .filter((ref) => ref.kind === 'Namespace' && ref.apiVersion === 'v1')
    .map((ref) => ref.name);
  const absent = new Set<string>();
  for (const name of new Set(names)) {
    if ((await kubectl.getIfExists(`namespace/${name}`)) !== undefined) continue;
    // As an object (JSON), not `create namespace`, which some servers cannot decode (protobuf).
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
    await kubectl.run(['create', '-f', '-', '--dry-run=server'], {
      stdin: JSON.stringify(namespace),
    });
    absent.add(name);
  }
  return absent;
}

/** Says which namespaces' objects the dry run could not check, and why. */
export function noticeSkipped(skipped: ReadonlySet<string>): void {
  if (skipped.size === 0) return;
  const names = [...skipped].sort().join(', ');
  core.notice(
    escapeUntrusted(
      `The server-side dry run checked the new namespace(s) ${names} but not the objects in them: ` +
        'they do not exist yet, and a dry run creates nothing. The deploy creates them first.',
    ),
  );
}
