import { MetadataError } from './errors.js';
import { meaningfulLines, parseFields } from './fields.js';
import { checkTemplate, GLOBAL_EXPRESSIONS } from './templates.js';

/** `highest` is Slipway's opt-in: latest only for the highest semver among the repository's git tags. */
export type LatestMode = 'auto' | 'true' | 'false' | 'highest';

export interface Flavor {
  latest: LatestMode;
  prefix: string;
  prefixOnLatest: boolean;
  suffix: string;
  suffixOnLatest: boolean;
}

const LATEST_MODES: readonly string[] = ['auto', 'true', 'false', 'highest'];
const EXAMPLE = 'latest=auto';

export function parseFlavor(lines: string[]): Flavor {
  const flavor: Flavor = {
    latest: 'auto',
    prefix: '',
    prefixOnLatest: false,
    suffix: '',
    suffixOnLatest: false,
  };
  for (const line of meaningfulLines(lines)) applyFlavorLine(flavor, line);
  return flavor;
}

/** Whether the caller must pass the repository's git tags (for `latest=highest`). */
export function flavorNeedsGitTags(lines: string[]): boolean {
  return parseFlavor(lines).latest === 'highest';
}

function applyFlavorLine(flavor: Flavor, line: string): void {
  const fail = (problem: string, example = EXAMPLE): never => {
    throw new MetadataError('flavor', problem, example, line);
  };
  // onlatest belongs to the prefix or suffix written before it on the same line.
  let onLatestFor: 'prefix' | 'suffix' | undefined;
  for (const { key, value } of parseFields(line, 'flavor', EXAMPLE)) {
    switch (key) {
      case 'latest':
        if (!LATEST_MODES.includes(value)) {
          fail(`has latest=${value}; use auto, true, false or highest.`);
        }
        flavor.latest = value as LatestMode;
        break;
      case 'prefix':
      case 'suffix':
        checkTemplate(value, GLOBAL_EXPRESSIONS, { input: 'flavor', line, example: EXAMPLE });
        flavor[key] = value;
        onLatestFor = key;
        break;
      case 'onlatest':
        if (value !== 'true' && value !== 'false') {
          fail(`has onlatest=${value}; use true or false.`, 'prefix=app-,onlatest=true');
        }
        if (onLatestFor === undefined) {
          fail('has onlatest without a prefix= or suffix= before it.', 'prefix=app-,onlatest=true');
        }
        flavor[onLatestFor === 'prefix' ? 'prefixOnLatest' : 'suffixOnLatest'] = value === 'true';
        break;
      case undefined:
        fail(
          `has '${value}', which is not a key=value entry; the keys are latest, prefix, suffix and onlatest.`,
        );
        break;
      default:
        fail(`has the unknown key '${key}'; the keys are latest, prefix, suffix and onlatest.`);
    }
  }
}
