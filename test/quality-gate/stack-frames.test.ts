import { describe, expect, it } from 'vitest';
import { framesIn, isOutsideCode, type Frame } from '../../src/quality-gate/stack-frames.js';

const at = (path: string, line: number, kind: Frame['kind'] = 'path'): Frame => ({
  path,
  line,
  kind,
});

describe('framesIn', () => {
  it.each<[string, string, Frame[]]>([
    [
      'pytest: each traceback entry ends with its location, the test first',
      'def test_helper():\n>       helper(3)\n\ntests/test_calc.py:8: \n_ _ _\n\n    def helper(x):\n>       assert x == 2\nE       AssertionError\n\ntests/util.py:2: AssertionError',
      [at('tests/test_calc.py', 8), at('tests/util.py', 2)],
    ],
    [
      'a Python traceback, outermost call first',
      'Traceback (most recent call last):\n  File "/home/runner/work/app/app/tests/test_calc.py", line 10, in test_add\n    self.assertEqual(add(1, 1), 3)\n  File "/usr/lib/python3.12/unittest/case.py", line 885, in assertEqual\nAssertionError: 2 != 3',
      [
        at('/home/runner/work/app/app/tests/test_calc.py', 10),
        at('/usr/lib/python3.12/unittest/case.py', 885),
      ],
    ],
    [
      'Node frames with and without a function name, with spaces and file URLs',
      'Error: expected 3\n    at Object.<anonymous> (/home/runner/work/app/app/src/calc.test.js:10:5)\n    at /abs/path.js:3:9\n    at new Thing (/home/a b/x.js:1:2)\n    at file:///srv/app/a.test.mjs:7:1\n    at async Promise.all (index 0)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      [
        at('/home/runner/work/app/app/src/calc.test.js', 10),
        at('/abs/path.js', 3),
        at('/home/a b/x.js', 1),
        at('file:///srv/app/a.test.mjs', 7),
        at('node:internal/process/task_queues', 95),
      ],
    ],
    [
      'Mocha on Windows',
      'AssertionError: expected 1 to equal 2\n    at Context.<anonymous> (C:\\a\\app\\app\\test\\calc.spec.js:12:14)',
      [at('C:\\a\\app\\app\\test\\calc.spec.js', 12)],
    ],
    [
      'JVM frames name the package, not the folder',
      'java.net.ConnectException: Connection refused: mail.example.test:25\n\tat com.example.billing.Mailer.send(Mailer.java:88)\n\tat com.example.billing.InvoiceTest$Nested.sendsReminder(InvoiceTest.java:57)\n\tat java.base/java.lang.Thread.run(Thread.java:1583)\n\tat app//com.example.CalcTest.adds(CalcTest.kt:9)\n\tat jdk.internal.reflect.Foo.invoke(Unknown Source)',
      [
        at('com/example/billing/Mailer.java', 88, 'package'),
        at('com/example/billing/InvoiceTest.java', 57, 'package'),
        at('java/lang/Thread.java', 1583, 'package'),
        at('com/example/CalcTest.kt', 9, 'package'),
      ],
    ],
    [
      '.NET frames, POSIX and Windows',
      'Assert.Equal() Failure\n   at Calc.Tests.CalcTests.Adds() in /src/Calc.Tests/CalcTests.cs:line 14\n   at Calc.Tests.CalcTests.Divides() in D:\\a\\app\\app\\tests\\Calc Tests.cs:line 20\n   at System.RuntimeMethodHandle.InvokeMethod(Object target)',
      [at('/src/Calc.Tests/CalcTests.cs', 14), at('D:\\a\\app\\app\\tests\\Calc Tests.cs', 20)],
    ],
    [
      'Go test output',
      '=== RUN   TestAdd\n    calc_test.go:12: got 3, want 4\n    calc_test.go:15:3: also wrong\n--- FAIL: TestAdd (0.00s)',
      [at('calc_test.go', 12), at('calc_test.go', 15)],
    ],
    [
      "a Go panic's goroutine trace: no colon after the line, paths with spaces",
      'panic: assignment to entry in nil map [recovered]\n\tpanic: assignment to entry in nil map\n\ngoroutine 7 [running]:\ntesting.tRunner.func1.2({0x5a1f40, 0x5e9f30})\n\t/usr/local/go/src/testing/testing.go:1632 +0x230\nexample.com/app/panicky.TestMap(0xc000007040?)\n\t/home/runner/work/my app/my app/panicky/p_test.go:8 +0x2e\nC:/a/app/app/panicky/w_test.go:3\n\tC:/a/app/app/panicky/w_test.go:4\ncreated by testing.(*T).Run in goroutine 1\n\t/usr/local/go/src/testing/testing.go:1742 +0x390',
      [
        at('/usr/local/go/src/testing/testing.go', 1632),
        at('/home/runner/work/my app/my app/panicky/p_test.go', 8),
        at('C:/a/app/app/panicky/w_test.go', 4),
        at('/usr/local/go/src/testing/testing.go', 1742),
      ],
    ],
    [
      'a Rust panic (1.73 and later)',
      "thread 'tests::adds' panicked at src/lib.rs:48:9:\nassertion failed",
      [at('src/lib.rs', 48)],
    ],
    [
      'an old Rust panic, message first and over several lines',
      "thread 't' panicked at 'assertion failed: `(left == right)`\n  left: `1`,\n right: `2`', src/parser.rs:203:9",
      [at('src/parser.rs', 203)],
    ],
    [
      "vitest's marker",
      'AssertionError: expected 3 to be 4\n ❯ demo.spec.ts:14:33',
      [at('demo.spec.ts', 14)],
    ],
    [
      'prose with colons and numbers names nothing',
      'Connection refused: mail.example.test:25\nexpected 10:30 to be 10:31\nline 0 of a.py:0: nothing',
      [],
    ],
  ])('%s', (_case, text, expected) => {
    expect(framesIn(text)).toEqual(expected);
  });
});

describe('isOutsideCode', () => {
  it.each<[Frame, boolean]>([
    [at('/home/runner/work/app/app/node_modules/expect/build/index.js', 1), true],
    [at('/usr/lib/python3/dist-packages/_pytest/python.py', 1), true],
    [at('/home/runner/.venv/lib/python3.12/site-packages/x.py', 1), true],
    [at('node:internal/timers', 1), true],
    [at('/opt/hostedtoolcache/node/20/x64/lib/x.js', 1), true],
    [at('/home/runner/.cargo/registry/src/x/lib.rs', 1), true],
    [
      at('/home/runner/go/pkg/mod/github.com/stretchr/testify@v1.9.0/assert/assertions.go', 1),
      true,
    ],
    [at('java/lang/Thread.java', 1, 'package'), true],
    [at('org/junit/jupiter/api/Assertions.java', 1, 'package'), true],
    [at('com/example/CalcTest.java', 1, 'package'), false],
    [at('/home/runner/work/app/app/src/calc.test.js', 1), false],
    [at('tests/test_calc.py', 1), false],
  ])('%j → %s', (frame, outside) => {
    expect(isOutsideCode(frame)).toBe(outside);
  });
});
