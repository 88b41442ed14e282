// npm-package-arg ships no types; this declares what tools/check-lock.js uses.
declare module 'npm-package-arg' {
  namespace npa {
    type SpecType = 'alias' | 'directory' | 'file' | 'git' | 'range' | 'remote' | 'tag' | 'version';
    interface Result {
      type: SpecType;
      name: string | null;
      rawSpec: string;
      fetchSpec: string | null;
      gitCommittish?: string | null;
      subSpec?: Result;
    }
  }
  function npa(arg: string, where?: string): npa.Result;
  namespace npa {
    function resolve(name: string, spec: string, where?: string): Result;
  }
  export type Result = npa.Result;
  export default npa;
}
