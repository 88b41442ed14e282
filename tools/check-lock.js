// @ts-check
// Guards the install against specs that move: `npm run check-lock [-- DIR]` (DIR defaults to the
// current directory and must hold package.json and package-lock.json).
// 1. No package anywhere in the lock tree may ask for a dependency by a dist-tag (`latest`, `next`,
//    any tag) instead of a version range: once the tag moves past the locked version, `npm ci`
//    refuses the lock. Allowed only when package.json "overrides" pins that dependency to an exact
//    version, either as `"name": "1.2.3"` or `"name": { ".": "1.2.3" }` at the top level (a
//    `"$name"` reference counts when the root dependency it names is exact). Nested overrides are
//    not read, so they do not count as a pin.
// 2. House rule: every root dependency, devDependency and optionalDependency is an exact version.
//    An npm: alias must alias an exact version; a git spec must name a full commit; local file:
//    and directory specs pass, since there is nothing on a registry to pin.
// Specs are classified by npm-package-arg, the parser npm itself uses.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import npa from 'npm-package-arg';

/**
 * @typedef {Record<string, string>} DependencyMap
 * @typedef {{
 *   name?: string,
 *   version?: string,
 *   link?: boolean,
 *   resolved?: string,
 *   dependencies?: DependencyMap,
 *   optionalDependencies?: DependencyMap,
 *   peerDependencies?: DependencyMap,
 *   devDependencies?: DependencyMap,
 * }} LockEntry
 * @typedef {{ name?: string, lockfileVersion?: number, packages?: Record<string, LockEntry> }} Lock
 * @typedef {{
 *   name?: string,
 *   dependencies?: DependencyMap,
 *   devDependencies?: DependencyMap,
 *   optionalDependencies?: DependencyMap,
 *   peerDependencies?: DependencyMap,
 *   overrides?: Record<string, unknown>,
 * }} PackageJson
 * @typedef {'dist-tag' | 'not-exact' | 'unparsable' | 'lockfile'} Rule
 * @typedef {{
 *   rule: Rule,
 *   asker: string,
 *   field: string,
 *   dependency: string,
 *   spec: string,
 *   message: string,
 * }} Problem
 * @typedef {{ asker: string, dependency: string, spec: string, pin: string, message: string }} Pinned
 * @typedef {{ problems: Problem[], pinned: Pinned[], specs: number, rootSpecs: number }} LockReport
 */

/** Fields of a lock entry whose specs npm installs from; devDependencies only for the root. */
const LOCK_FIELDS = /** @type {const} */ ([
  'dependencies',
  'optionalDependencies',
  'peerDependencies',
]);
/** Root package.json fields that must hold exact versions. */
const ROOT_FIELDS = /** @type {const} */ ([
  'dependencies',
  'devDependencies',
  'optionalDependencies',
]);
/** Root fields npm searches, in order, for the target of a `"$name"` override. */
const REFERENCE_FIELDS = /** @type {const} */ ([...ROOT_FIELDS, 'peerDependencies']);

/**
 * How npm-package-arg reads `name@spec`. `where` is fixed so that file specs never depend on the
 * current directory; their paths are not used.
 * @param {string} name @param {string} spec
 * @returns {import('npm-package-arg').Result | Error}
 */
function parse(name, spec) {
  try {
    return npa.resolve(name, spec, '/');
  } catch (error) {
    return /** @type {Error} */ (error);
  }
}

/**
 * The spec's type with an npm: alias looked through (`npm:other@latest` is a tag).
 * @param {string} name @param {string} spec @returns {string | Error}
 */
function specType(name, spec) {
  const parsed = parse(name, spec);
  if (parsed instanceof Error) return parsed;
  return parsed.type === 'alias' && parsed.subSpec ? parsed.subSpec.type : parsed.type;
}

/** @param {string} type */
function describe(type) {
  return (
    {
      tag: 'a dist-tag',
      range: 'a version range',
      git: 'a git reference that can move',
      remote: 'a tarball URL',
    }[type] ?? `a ${type} spec`
  );
}

/**
 * The exact version package.json "overrides" pins `name` to, or undefined when it does not.
 * @param {PackageJson} packageJson @param {string} name @returns {string | undefined}
 */
export function overridePin(packageJson, name) {
  for (const [key, rule] of Object.entries(packageJson.overrides ?? {})) {
    // npm matches an override to a dependency by name; for a dist-tag it ignores the key's spec.
    if (overrideName(key) !== name) continue;
    let value = typeof rule === 'string' ? rule : undefined;
    if (rule && typeof rule === 'object' && '.' in rule) {
      const dot = /** @type {Record<string, unknown>} */ (rule)['.'];
      value = typeof dot === 'string' ? dot : undefined;
    }
    if (value?.startsWith('$')) value = rootSpec(packageJson, value.slice(1));
    if (value !== undefined && specType(name, value) === 'version') return value;
  }
  return undefined;
}

/**
 * The package name in an override key such as `jschardet` or `jschardet@4`.
 * @param {string} key @returns {string | undefined}
 */
function overrideName(key) {
  try {
    return npa(key).name ?? undefined;
  } catch {
    return undefined;
  }
}

/** @param {PackageJson} packageJson @param {string} name @returns {string | undefined} */
function rootSpec(packageJson, name) {
  for (const field of REFERENCE_FIELDS) {
    const spec = packageJson[field]?.[name];
    if (spec !== undefined) return spec;
  }
  return undefined;
}

/**
 * The version of `name` the lock installs for the package at `from`, found the way Node resolves
 * modules: the nearest node_modules folder upwards that has it.
 * @param {Record<string, LockEntry>} packages @param {string} from @param {string} name
 * @returns {string | undefined}
 */
function lockedVersion(packages, from, name) {
  for (let base = from; ;) {
    const entry = packages[`${base ? `${base}/` : ''}node_modules/${name}`];
    if (entry)
      return entry.link && entry.resolved ? packages[entry.resolved]?.version : entry.version;
    if (base === '') return undefined;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent >= 0 ? base.slice(0, parent) : '';
  }
}

/**
 * The name of the package at a lock location: `node_modules/a/node_modules/@s/b` holds `@s/b`.
 * @param {string} location @param {LockEntry} entry @param {PackageJson} packageJson
 */
function packageName(location, entry, packageJson) {
  if (location === '') return packageJson.name ?? entry.name ?? 'the root package';
  const at = location.lastIndexOf('node_modules/');
  return entry.name ?? (at >= 0 ? location.slice(at + 'node_modules/'.length) : location);
}

/**
 * The package at a lock location as messages name it, e.g. `b@1.0.0 (node_modules/a/node_modules/b)`.
 * @param {string} location @param {LockEntry} entry @param {PackageJson} packageJson
 */
function askerName(location, entry, packageJson) {
  const name = packageName(location, entry, packageJson);
  if (location === '') return `${name} (package.json)`;
  const nested = location !== `node_modules/${name}`;
  return `${name}${entry.version ? `@${entry.version}` : ''}${nested ? ` (${location})` : ''}`;
}

/**
 * Checks a parsed package-lock.json (lockfileVersion 2 or 3) against its package.json.
 * @param {Lock} lock @param {PackageJson} packageJson @returns {LockReport}
 */
export function checkLock(lock, packageJson) {
  /** @type {Problem[]} */
  const problems = [];
  /** @type {Pinned[]} */
  const pinned = [];
  let specs = 0;
  let rootSpecs = 0;

  for (const field of ROOT_FIELDS) {
    for (const [dependency, spec] of Object.entries(packageJson[field] ?? {})) {
      rootSpecs++;
      const problem = notExact(dependency, spec);
      if (!problem) continue;
      const locked = lock.packages?.[`node_modules/${dependency}`]?.version;
      const fix = locked
        ? `set it to "${locked}", the version package-lock.json has`
        : 'set it to an exact version';
      problems.push({
        rule: problem instanceof Error ? 'unparsable' : 'not-exact',
        asker: 'package.json',
        field,
        dependency,
        spec,
        message:
          `package.json ${field} asks for ${dependency}@"${spec}", ` +
          (problem instanceof Error
            ? `which npm cannot parse (${problem.message}). Fix: ${fix}.`
            : `${problem}, but this repository pins exact versions. Fix: ${fix}.`),
      });
    }
  }

  const packages = lock.packages;
  if (!packages) {
    problems.push({
      rule: 'lockfile',
      asker: 'package-lock.json',
      field: 'packages',
      dependency: '',
      spec: '',
      message:
        `package-lock.json (lockfileVersion ${lock.lockfileVersion ?? 'unknown'}) has no ` +
        '"packages" section to check. Fix: regenerate it with npm 7 or newer (`npm install`).',
    });
    return { problems, pinned, specs, rootSpecs };
  }

  const seen = new Set();
  for (const [location, entry] of Object.entries(packages)) {
    if (entry.link) continue; // a symlink; its target has its own entry
    // npm ci refuses a lock whose root differs from package.json, and the root's own specs must
    // be exact (above), so only the root's peerDependencies are left to read here.
    const fields = location === '' ? /** @type {const} */ (['peerDependencies']) : LOCK_FIELDS;
    for (const field of fields) {
      for (const [dependency, spec] of Object.entries(entry[field] ?? {})) {
        const key = `${location}\0${dependency}\0${spec}`;
        if (seen.has(key)) continue;
        seen.add(key);
        specs++;
        const type = specType(dependency, spec);
        if (type !== 'tag' && !(type instanceof Error)) continue;
        const asker = askerName(location, entry, packageJson);
        const askerPackage = packageName(location, entry, packageJson);
        const asked = `${asker} asks for ${dependency}@"${spec}" in its ${field}`;
        const locked = lockedVersion(packages, location, dependency);
        const pinExample = `"overrides": { "${dependency}": "${locked ?? '<exact version>'}" }`;
        if (type instanceof Error) {
          problems.push({
            rule: 'unparsable',
            asker,
            field,
            dependency,
            spec,
            message: `${asked}, which npm cannot parse (${type.message}). Fix: replace ${askerPackage}.`,
          });
          continue;
        }
        const pin = overridePin(packageJson, dependency);
        if (pin !== undefined) {
          pinned.push({
            asker,
            dependency,
            spec,
            pin,
            message: `${asked}, a dist-tag, but package.json "overrides" pins ${dependency} to ${pin}: fine.`,
          });
          continue;
        }
        problems.push({
          rule: 'dist-tag',
          asker,
          field,
          dependency,
          spec,
          message:
            `${asked}: a dist-tag, not a version range, so \`npm ci\` fails as soon as a new ` +
            `${dependency} is published under "${spec}"${locked ? ` (the lock has ${locked})` : ''}. ` +
            `Fix: pin it in package.json, ${pinExample}, or replace ${askerPackage}.`,
        });
      }
    }
  }
  return { problems, pinned, specs, rootSpecs };
}

/**
 * Why a root spec is not exact, or undefined when it is.
 * @param {string} name @param {string} spec @returns {string | Error | undefined}
 */
function notExact(name, spec) {
  const parsed = parse(name, spec);
  if (parsed instanceof Error) return parsed;
  if (parsed.type === 'alias') {
    const type = parsed.subSpec?.type ?? 'unknown';
    return type === 'version' ? undefined : `an npm: alias to ${describe(type)}`;
  }
  if (parsed.type === 'version' || parsed.type === 'file' || parsed.type === 'directory') {
    return undefined;
  }
  if (parsed.type === 'git' && /^[0-9a-f]{40}$/i.test(parsed.gitCommittish ?? '')) return undefined;
  return describe(parsed.type);
}

/** @param {string[]} args */
function main(args) {
  const dir = resolve(args.find((arg) => !arg.startsWith('-')) ?? '.');
  /** @param {string} file */
  const read = (file) => JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const { problems, pinned, specs, rootSpecs } = checkLock(
    read('package-lock.json'),
    read('package.json'),
  );
  for (const note of pinned) console.log(`check-lock: ${note.message}`);
  if (problems.length > 0) {
    console.error(
      `check-lock found ${problems.length} problem(s) in ${dir}:\n- ` +
        problems.map((problem) => problem.message).join('\n- '),
    );
    process.exit(1);
  }
  console.log(
    `check-lock: ${specs} dependency spec(s) in package-lock.json, none an unpinned dist-tag; ` +
      `${rootSpecs} root dependencies, all exact.`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`check-lock: ${/** @type {Error} */ (error).message}`);
    process.exit(1);
  }
}
