/**
 * Source locations named in a failing test's text: assertion locations, stack frames and panic
 * lines, in the order the text names them. Which of them is the repository's, and which the
 * test's, is decided elsewhere (test-locations.ts) against the files git tracks.
 */

export interface Frame {
  /**
   * As the text spells it: absolute, relative to wherever the tool ran, or a file:// URI. For
   * `package` frames, the file under its package's folders (com/example/CalcTest.java).
   */
  path: string;
  line: number;
  /** `package`: a JVM frame, which names a file only by package and file name. */
  kind: 'path' | 'package';
}

/** A path up to the `:line` after it; a drive letter's colon is part of the path. */
const PATH = String.raw`((?:[A-Za-z]:)?[^\s:'"()<>]+)`;

interface Pattern {
  regex: RegExp;
  frame: (match: RegExpExecArray) => Frame | undefined;
}

const pathFrame = (path: string | undefined, line: string | undefined): Frame | undefined =>
  path && line ? { path, line: Number.parseInt(line, 10), kind: 'path' } : undefined;

const PATTERNS: Pattern[] = [
  // pytest's "tests/test_calc.py:10: AssertionError" and Go's "    calc_test.go:12: got 3":
  // a line that starts with a file name (it has an extension) and its line number.
  {
    regex: /^[ \t]*((?:[A-Za-z]:)?[^\s:'"()<>]+\.\w+):(\d+):(?:\d+:)?(?=\s|$)/gm,
    frame: (match) => pathFrame(match[1], match[2]),
  },
  // Python tracebacks: File "/repo/tests/test_calc.py", line 10, in test_add
  {
    regex: /File "([^"\n]+)", line (\d+)/g,
    frame: (match) => pathFrame(match[1], match[2]),
  },
  // Node (Jest, Mocha, node:test): "at fn (/abs/a.test.js:10:5)", "at /abs/a.js:3:9",
  // "at file:///abs/a.mjs:3:9". Paths may hold spaces inside the parentheses.
  {
    regex: /^[ \t]*at (?:[^\n]*? \(([^()\n]+?)|((?:file:\/\/)?[^\s()]+?)):(\d+):(\d+)\)?[ \t]*$/gm,
    frame: (match) => pathFrame(match[1] ?? match[2], match[3]),
  },
  // JVM: "at com.example.CalcTest.adds(CalcTest.java:12)", with an optional module or class
  // loader prefix ("java.base/", "app//").
  {
    regex:
      /^[ \t]*at (?:\S*\/)?([\w$.]+)\.[\w$<>-]+\(([\w$-]+\.(?:java|kt|kts|scala|groovy)):(\d+)\)/gm,
    frame: (match) => {
      const [, className = '', file = '', line = ''] = match;
      // The class's package names the folders; the class itself may be nested (Outer$Inner).
      const packageFolders = className.split('.').slice(0, -1);
      return {
        path: [...packageFolders, file].join('/'),
        line: Number.parseInt(line, 10),
        kind: 'package',
      };
    },
  },
  // .NET: "at Calc.Tests.CalcTests.Adds() in /src/Calc.Tests/CalcTests.cs:line 14", also with
  // Windows paths (D:\a\app\app\tests\CalcTests.cs) and spaces.
  {
    regex: /\bin ((?:[A-Za-z]:)?[^\n:]+?):line (\d+)/g,
    frame: (match) => pathFrame(match[1], match[2]),
  },
  // Go's goroutine traces (panics, timeouts): "\t/home/runner/work/app/app/calc/calc_test.go:8 +0x2e",
  // no colon after the line. The tab and the line's end delimit the path, which may hold spaces.
  {
    regex: /^\t((?:[A-Za-z]:)?[^\t\n]+?\.go):(\d+)(?: \+0x[\da-f]+)?[ \t]*$/gm,
    frame: (match) => pathFrame(match[1], match[2]),
  },
  // Rust ≥ 1.73: "panicked at src/lib.rs:12:5:"; older: "panicked at 'message', src/lib.rs:12:5".
  {
    regex: new RegExp(String.raw`panicked at (?:'[\s\S]*?', )?${PATH}:(\d+):\d+`, 'g'),
    frame: (match) => pathFrame(match[1], match[2]),
  },
  // vitest marks the failing line of its stack excerpt with "❯ demo.spec.ts:14:33".
  {
    regex: new RegExp(String.raw`❯ ${PATH}:(\d+):\d+`, 'g'),
    frame: (match) => pathFrame(match[1], match[2]),
  },
];

/** Every location the text names, in the order it names them. */
export function framesIn(text: string): Frame[] {
  const found: { index: number; frame: Frame }[] = [];
  for (const { regex, frame } of PATTERNS) {
    for (const match of text.matchAll(regex)) {
      const parsed = frame(match);
      if (parsed && Number.isInteger(parsed.line) && parsed.line > 0) {
        found.push({ index: match.index, frame: parsed });
      }
    }
  }
  return found.sort((a, b) => a.index - b.index).map(({ frame }) => frame);
}

/**
 * Frames that are never the repository's own code: installed packages, runtimes, toolchains.
 * Files under them can be tracked (a committed virtualenv or vendored modules) and still are
 * not where a test failed.
 */
const OUTSIDE_CODE = [
  /(^|[/\\])(node_modules|site-packages|dist-packages|\.venv|venv|\.tox|\.nox|\.yarn)([/\\]|$)/,
  /(^|[/\\])\.(cargo|rustup|m2|gradle|nuget)([/\\]|$)/,
  // Go's module cache (GOPATH/pkg/mod) holds dependencies, never the repository's code.
  /(^|[/\\])pkg[/\\]mod[/\\]/,
  /^(node|internal|bun|deno):|^internal[/\\]|^<[^>]*>$/,
  /^\/(usr|opt\/hostedtoolcache|rustc|Library\/Frameworks)\//,
];

const OUTSIDE_PACKAGES =
  /^(java|javax|jdk|sun|com\/sun|kotlin|kotlinx|scala|org\/junit|junit|org\/testng|org\/gradle|org\/apache\/maven|org\/opentest4j|org\/assertj)\//;

export function isOutsideCode(frame: Frame): boolean {
  if (frame.kind === 'package') return OUTSIDE_PACKAGES.test(frame.path);
  return OUTSIDE_CODE.some((pattern) => pattern.test(frame.path));
}
