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

/** Go's strconv.ParseBool, which buildx applies to such values; undefined when not a boolean. */
export function parseBool(value: string): boolean | undefined {
  const trimmed = value.trim();
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(trimmed)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(trimmed)) return false;
  return undefined;
}

/**
 * The comma-separated fields of a docker option string (`type=local,"dest=a,b"`), read as CSV the
 * way buildx reads them, each trimmed.
 */
export function optionFields(spec: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < spec.length; index += 1) {
    const char = spec[index];
    if (quoted) {
      if (char === '"' && spec[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (char === ',') {
      fields.push(field.trim());
      field = '';
    } else field += char;
  }
  fields.push(field.trim());
  return fields.filter((item) => item !== '');
}

/** Fields back into one option string, quoting those that hold a comma or a quote. */
export function joinOptionFields(fields: readonly string[]): string {
  return fields
    .map((field) => (/[",]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field))
    .join(',');
}

/** The value of `key=` in an option string (first occurrence), keys compared lower-cased. */
export function optionValue(spec: string, key: string): string | undefined {
  for (const field of optionFields(spec)) {
    const equals = field.indexOf('=');
    if (equals !== -1 && field.slice(0, equals).trim().toLowerCase() === key) {
      return field.slice(equals + 1).trim();
    }
  }
  return undefined;
}

/** An exporter's type; buildx reads an output without `type=` as a local directory. */
export function exporterType(output: string): string {
  const type = optionValue(output, 'type');
  if (type !== undefined) return type.toLowerCase();
  return output.trim() === '-' ? 'tar' : 'local';
}

/** The `type=` of an `--attest` entry, lower-cased. */
export function attestationType(entry: string): string | undefined {
  return optionValue(entry, 'type')?.toLowerCase();
}

/** An attestation entry switched off: `disabled=true`, or a bare false field (`type=sbom,false`). */
export function attestationDisabled(entry: string): boolean {
  for (const field of optionFields(entry)) {
    const equals = field.indexOf('=');
    if (equals === -1) {
      if (parseBool(field) === false) return true;
    } else if (field.slice(0, equals).trim().toLowerCase() === 'disabled') {
      if (parseBool(field.slice(equals + 1)) === true) return true;
    }
  }
  return false;
}
