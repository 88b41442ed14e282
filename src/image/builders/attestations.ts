import type { BuildRequest } from './build-request.js';
import {
  attestationDisabled,
  attestationType,
  exporterType,
  joinOptionFields,
  optionFields,
  optionValue,
  parseBool,
} from './references.js';

/**
 * The `--attest` arguments buildx gets, with build-push-action's meaning of `provenance`, `sbom`
 * and `attests`: the provenance and sbom inputs win over entries of the same type in attests, a
 * provenance attestation records the workflow run as its builder-id, and when nothing asks for
 * provenance buildx gets build-push-action's default one (unless the image is loaded into docker,
 * whose image store cannot keep attestations, or BUILDX_NO_DEFAULT_ATTESTATIONS is set).
 */

type AttestationRequest = Pick<
  BuildRequest,
  | 'provenance'
  | 'sbom'
  | 'attests'
  | 'provenanceBuilderId'
  | 'defaultAttestations'
  | 'repositoryPrivate'
  | 'load'
  | 'outputs'
>;

export function buildxAttestArgs(request: AttestationRequest): string[] {
  const builderId = request.provenanceBuilderId;
  const attests: string[] = [];
  if (request.provenance !== undefined) {
    attests.push(provenanceAttest(request.provenance, builderId));
  } else {
    const fallback = defaultProvenance(request);
    if (fallback !== undefined) attests.push(fallback);
  }
  if (request.sbom !== undefined) attests.push(booleansAsDisabled(`type=sbom,${request.sbom}`));
  for (const entry of request.attests) {
    const type = attestationType(entry);
    if (type === 'provenance') {
      if (request.provenance === undefined) {
        attests.push(withBuilderId(booleansAsDisabled(entry), builderId));
      }
    } else if (type === 'sbom') {
      if (request.sbom === undefined) attests.push(entry);
    } else attests.push(booleansAsDisabled(entry));
  }
  return attests.flatMap((attest) => ['--attest', attest]);
}

/**
 * build-push-action's default provenance, or undefined where it adds none. Public repositories
 * get `mode=max`; private ones, and runs where visibility is unknown, buildx's own default
 * `mode=min,inline-only=true` (max mode would record build arguments for all who can pull).
 */
export function defaultProvenance(request: AttestationRequest): string | undefined {
  if (request.provenance !== undefined) return undefined;
  if (request.attests.some((entry) => attestationType(entry) === 'provenance')) return undefined;
  if (!request.defaultAttestations || loadsIntoDocker(request)) return undefined;
  const attributes = request.repositoryPrivate === false ? 'mode=max' : 'mode=min,inline-only=true';
  return withBuilderId(`type=provenance,${attributes}`, request.provenanceBuilderId);
}

/** `--load`, or an output of type docker: the docker image store keeps no attestations. */
export function loadsIntoDocker(request: Pick<BuildRequest, 'load' | 'outputs'>): boolean {
  return request.load || request.outputs.some((output) => exporterType(output) === 'docker');
}

/** Something in these inputs asks for an attestation (a disabled entry does not). */
export function asksForAnyAttestation(request: Pick<BuildRequest, 'attests'>): string[] {
  return request.attests.filter((entry) => !attestationDisabled(entry));
}

/** `true` → the run as builder-id; `false` → disabled; attributes → kept, builder-id added. */
function provenanceAttest(value: string, builderId: string | undefined): string {
  const asBoolean = parseBool(value);
  if (asBoolean === false) return 'type=provenance,disabled=true';
  if (asBoolean === true) return withBuilderId('type=provenance', builderId);
  return withBuilderId(booleansAsDisabled(`type=provenance,${value}`), builderId);
}

function withBuilderId(attest: string, builderId: string | undefined): string {
  if (builderId === undefined || optionValue(attest, 'builder-id') !== undefined) return attest;
  return `${attest},builder-id=${builderId}`;
}

/** buildx reads a bare boolean field of an attestation as `disabled=<not it>`. */
function booleansAsDisabled(attest: string): string {
  return joinOptionFields(
    optionFields(attest).map((field) => {
      if (field.includes('=')) return field;
      const asBoolean = parseBool(field);
      return asBoolean === undefined ? field : `disabled=${!asBoolean}`;
    }),
  );
}
