// lcov-parse ships no types; this declares what the benchmark uses.
declare module 'lcov-parse' {
  namespace lcovParse {
    interface Counts {
      found: number;
      hit: number;
    }
    interface LcovFile {
      file: string;
      lines: Counts;
      functions: Counts;
      branches: Counts;
    }
  }
  function lcovParse(
    input: string,
    callback: (error: string | null, data?: lcovParse.LcovFile[]) => void,
  ): void;
  export default lcovParse;
}
