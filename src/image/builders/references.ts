/**
 * Small readings of image references and docker-style option strings that both builders need.
 */

/** The registry part of a reference, as docker decides it: `app:1` lives on docker.io. */
export function registryHost(reference: string): string {
  const slash = reference.indexOf('/');
  if (slash === -1) return 'docker.io';
  const first = reference.slice(0, slash);
  const looksLikeHost = first.includes('.') || first.includes(':') || first === 'localhost';
  return looksLikeHost ? first : 'docker.io';
}

export function isInsecureReference(reference: string, insecureRegistries: readonly string[] = []) {
  return insecureRegistries.includes(registryHost(reference));
}

/**
 * Splits a metadata-action annotation such as `manifest:org.opencontainers.image.title=app` into
 * its levels and the plain `key=value`. Keys never contain ':' before the '=', so a colon there
 * marks a level prefix.
 */
export function splitAnnotationLevels(annotation: string): { levels: string[]; entry: string } {
  const equals = annotation.indexOf('=');
  const head = equals === -1 ? annotation : annotation.slice(0, equals);
  const colon = head.indexOf(':');
  if (colon === -1) return { levels: [], entry: annotation };
  return {
    levels: head
      .slice(0, colon)
      .split(',')
      .map((level) => level.trim())
      .filter((level) => level !== ''),
    entry: annotation.slice(colon + 1),
  };
}

/**
 * The registry reference inside a buildx cache spec (`type=registry,ref=r/cache,mode=max`), or
 * the spec itself when it is a bare reference. Other cache types (gha, local, s3...) have none.
 */
export function registryCacheReference(spec: string): string | undefined {
  const trimmed = spec.trim();
  if (trimmed === '') return undefined;
  if (!trimmed.includes('=')) return trimmed;
  const fields = new Map<string, string>();
  for (const field of trimmed.split(',')) {
    const equals = field.indexOf('=');
    if (equals === -1) continue;
    fields.set(field.slice(0, equals).trim().toLowerCase(), field.slice(equals + 1).trim());
  }
  if ((fields.get('type') ?? 'registry') !== 'registry') return undefined;
  return fields.get('ref') || undefined;
}

/** `false` switches an attestation off, which builders without attestations honour already. */
export function asksForAttestation(value: string | undefined): boolean {
  if (value === undefined) return false;
  const normalised = value.trim().toLowerCase();
  return normalised !== '' && normalised !== 'false' && normalised !== '0';
}
