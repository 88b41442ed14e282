/**
 * Finds the line where a test is declared in its source file, from the test's name as a report
 * gives it: `def test_add`, `void adds(`, `fun adds(`, `func TestAdd(`, `fn adds(`, or
 * `it('adds', ...)`. Only a declaration found exactly once counts: a guessed line is worse than
 * an annotation on the file.
 */

const SCRIPT = /\.[cm]?[jt]sx?$|\.(vue|svelte)$/;

export function declarationLine(
  source: string,
  file: string,
  testName: string,
): number | undefined {
  const lines = source.split(/\r?\n/);
  if (SCRIPT.test(file)) return titleLine(lines, testName);
  const name = functionName(testName);
  if (name === undefined) return undefined;
  const declaration = declarationPattern(file, escapeRegExp(name));
  return declaration === undefined ? undefined : onlyMatch(lines, declaration);
}

/**
 * The function behind a test name: "test_add[1-2]" (pytest parameters), "adds()" and "adds(int)"
 * (JUnit 5), "Calc.Tests.CalcTests.Adds(a: 1)" (.NET full names), "TestAdd/negative" (Go
 * subtests), "tests::adds" (Rust).
 */
function functionName(testName: string): string | undefined {
  const bare = testName
    .replace(/[[(].*$/s, '')
    .split('/')[0]!
    .trim();
  const name = bare.split(/::|\./).at(-1) ?? '';
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : undefined;
}

function declarationPattern(file: string, name: string): RegExp | undefined {
  const extension = /\.(\w+)$/.exec(file)?.[1]?.toLowerCase();
  switch (extension) {
    case 'py':
      return new RegExp(String.raw`^\s*(?:async\s+)?def\s+${name}\s*\(`);
    case 'go':
      return new RegExp(String.raw`^func\s+(?:\([^)]*\)\s*)?${name}\s*\(`);
    case 'rs':
      return new RegExp(String.raw`^\s*(?:pub(?:\([^)]*\))?\s+)?(?:async\s+)?fn\s+${name}\s*[<(]`);
    case 'kt':
    case 'kts':
      return new RegExp(String.raw`\bfun\s+(?:${name}|\x60${name}\x60)\s*\(`);
    case 'scala':
    case 'groovy':
      return new RegExp(String.raw`\bdef\s+${name}\b`);
    case 'java':
    case 'cs':
    case 'vb':
    case 'fs':
      // A method declaration: modifiers and a return type before the name, not a call such as
      // "return adds(" or "new Adds(".
      return new RegExp(
        String.raw`^\s*(?!(?:return|new|throw|await|else|yield|case)\b)(?:[\w<>[\],.?@]+\s+)+${name}\s*\(`,
      );
    default:
      return undefined;
  }
}

/**
 * JavaScript tests are declared by title: it('adds', ...). Reports join the describe blocks to
 * the title ("Calc adds", "Calc › adds", "Calc > adds"), so the title is the name's end: the part
 * after the last separator, then ever shorter runs of trailing words.
 */
function titleLine(lines: string[], testName: string): number | undefined {
  for (const title of candidateTitles(testName)) {
    const call = new RegExp(
      String.raw`\b(?:it|test|specify)(?:\.\w+)*\s*\(\s*(['"\x60])${escapeRegExp(title)}\1`,
    );
    const matches = matchingLines(lines, call);
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) return undefined;
  }
  return undefined;
}

function candidateTitles(testName: string): string[] {
  const name = testName.trim();
  const lastPart = name.split(/\s+[›>]\s+/).at(-1) ?? name;
  const words = lastPart.split(/\s+/);
  const titles = [name, lastPart];
  // One word alone would match too easily; a one-word name is tried whole above.
  for (let start = 1; start <= words.length - 2; start += 1) {
    titles.push(words.slice(start).join(' '));
  }
  return [...new Set(titles.filter((title) => title !== ''))];
}

function onlyMatch(lines: string[], pattern: RegExp): number | undefined {
  const matches = matchingLines(lines, pattern);
  return matches.length === 1 ? matches[0] : undefined;
}

/** 1-based numbers of the lines that match. */
function matchingLines(lines: string[], pattern: RegExp): number[] {
  return lines.flatMap((line, index) => (pattern.test(line) ? [index + 1] : []));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
