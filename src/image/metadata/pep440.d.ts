declare module '@renovate/pep440' {
  export interface Pep440Explanation {
    epoch: number;
    release: number[];
    pre: unknown;
    post: unknown;
    dev: unknown;
    local: string | null;
    public: string;
    base_version: string;
    is_prerelease: boolean;
    is_devrelease: boolean;
    is_postrelease: boolean;
  }
  export function valid(version: string): string | null;
  export function clean(version: string): string | null;
  export function explain(version: string): Pep440Explanation | null;
  export function major(version: string): number;
  export function minor(version: string): number;
  export function patch(version: string): number;
  export function gte(version: string, other: string): boolean;
  const pep440: {
    valid: typeof valid;
    clean: typeof clean;
    explain: typeof explain;
    major: typeof major;
    minor: typeof minor;
    patch: typeof patch;
    gte: typeof gte;
  };
  export default pep440;
}
