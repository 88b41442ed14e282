import { describe, expect, it } from 'vitest';
import { declarationLine } from '../../src/quality-gate/test-declarations.js';

const PYTHON = `import pytest

def helper():
    return test_add

def test_add():
    assert 1 + 1 == 3

class TestCalc:
    async def test_m(self):
        assert False
`;

const JAVA = `package com.example;

class CalcTest {
    @Test
    void adds() {
        assertEquals(3, adds());
    }

    @ParameterizedTest
    public void divides(int a) {
        return divides(a);
    }
}
`;

const CSHARP = `namespace Calc.Tests;
public class CalcTests
{
    [Fact]
    public async Task Adds()
    {
        var result = new Adds();
    }
}
`;

const KOTLIN = `class CalcTest {
    @Test
    fun adds() { check(adds()) }
    @Test
    fun \`rounds down\`() {}
}
`;

const GO = `package calc

func TestAdd(t *testing.T) {
	t.Run("negative", func(t *testing.T) {})
}

func (s *Suite) TestDivide() {}
`;

const RUST = `#[cfg(test)]
mod tests {
    #[test]
    fn adds() {
        assert_eq!(adds(), 3);
    }
}
`;

const JEST = `describe('CartService', () => {
  it('adds an item', () => {});
  it("applies a discount code", () => {
    expect(total).toBe(90);
  });
  describe('when empty', () => {
    test.each([1, 2])('rounds %i', () => {});
    it(\`empties the cart\`, () => {});
  });
  it('applies', () => {});
  it('applies', () => {});
});
`;

describe('declarationLine', () => {
  it.each<[string, string, string, string, number | undefined]>([
    ['pytest function', PYTHON, 'tests/test_calc.py', 'test_add', 6],
    ['pytest parametrised', PYTHON, 'tests/test_calc.py', 'test_add[1-2]', 6],
    ['pytest method (async)', PYTHON, 'tests/test_calc.py', 'test_m', 10],
    ['no such test', PYTHON, 'tests/test_calc.py', 'test_sub', undefined],
    ['JUnit 4 name; the call is not a declaration', JAVA, 'CalcTest.java', 'adds', 5],
    ['JUnit 5 display name of a method', JAVA, 'CalcTest.java', 'divides(int)', 10],
    ['.NET full name', CSHARP, 'CalcTests.cs', 'Calc.Tests.CalcTests.Adds', 5],
    ['.NET theory with arguments', CSHARP, 'CalcTests.cs', 'Adds(a: 1, b: 2)', 5],
    ['Kotlin', KOTLIN, 'CalcTest.kt', 'adds', 3],
    [
      'Kotlin backticked names are not identifiers',
      KOTLIN,
      'CalcTest.kt',
      'rounds down',
      undefined,
    ],
    ['Go', GO, 'calc_test.go', 'TestAdd', 3],
    ['Go subtest', GO, 'calc_test.go', 'TestAdd/negative', 3],
    ['Go suite method', GO, 'calc_test.go', 'TestDivide', 7],
    ['Rust', RUST, 'src/lib.rs', 'tests::adds', 4],
    [
      'jest-junit: describe and title joined by a space',
      JEST,
      'cart.test.js',
      'CartService applies a discount code',
      3,
    ],
    ['nested describes', JEST, 'cart.test.ts', 'CartService when empty empties the cart', 8],
    ['vitest separators', JEST, 'cart.spec.ts', 'CartService > adds an item', 2],
    [
      'a title declared twice is not guessed',
      JEST,
      'cart.test.js',
      'CartService applies',
      undefined,
    ],
    ['an unknown language', PYTHON, 'notes.txt', 'test_add', undefined],
  ])('%s', (_case, source, file, name, line) => {
    expect(declarationLine(source, file, name)).toBe(line);
  });
});
