export const id = 848;
export const ids = [848];
export const modules = {

/***/ 7638:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Md: () => (/* binding */ fileName),
/* harmony export */   PN: () => (/* binding */ timeSpanToMs),
/* harmony export */   TM: () => (/* binding */ firstLine),
/* harmony export */   Zp: () => (/* binding */ TextRouter)
/* harmony export */ });
/* harmony import */ var _core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(515);

/**
 * Small pieces the .NET test report readers (TRX, NUnit 3, xUnit.net v2) share: their texts come
 * in child elements rather than attributes, and TRX writes durations as .NET TimeSpans. What JUnit
 * shares with them too is in test-xml.ts.
 */
/** The first non-blank line of a text, trimmed; "" when there is none. */
function firstLine(text) {
    for (const line of text.split('\n')) {
        const trimmed = line.trim();
        if (trimmed !== '')
            return trimmed;
    }
    return '';
}
/**
 * A .NET TimeSpan as TRX writes it ("c" format: [d.]hh:mm:ss[.fffffff]), e.g. "00:00:00.0012345",
 * in whole milliseconds.
 */
function timeSpanToMs(span) {
    const match = /^\s*(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?\s*$/.exec(span ?? '');
    if (match === null)
        return undefined;
    const [, days = '0', hours = '0', minutes = '0', seconds = '0', fraction = ''] = match;
    const wholeSeconds = ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds);
    return Math.round((wholeSeconds + Number(`0.${fraction || '0'}`)) * 1000);
}
/** The file name at the end of a POSIX or Windows path: the test assembly "Calc.Tests.dll". */
function fileName(path) {
    return path.split(/[\\/]/).at(-1) ?? path;
}
/**
 * Where the character data of an element belongs, keyed by its path below the element being read
 * (e.g. "failure/message"). Paths not listed are dropped, and so are repeats of a path already read
 * (NUnit lists one <assertion> per failed assert; the first speaks for the test).
 */
class TextRouter {
    keys;
    path = [];
    sinks = new Map();
    finished = new Set();
    constructor(keys) {
        this.keys = keys;
    }
    open(name) {
        this.path.push(name);
    }
    close() {
        const key = this.path.join('/');
        if (this.sinks.has(key))
            this.finished.add(key);
        this.path.pop();
    }
    /** True when no element below the one being read is open. */
    get atTop() {
        return this.path.length === 0;
    }
    text(text) {
        const key = this.path.join('/');
        if (!this.keys.includes(key) || this.finished.has(key))
            return;
        let sink = this.sinks.get(key);
        if (sink === undefined) {
            sink = new _core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_0__/* .CappedText */ .RJ();
            this.sinks.set(key, sink);
        }
        sink.append(text);
    }
    /** The text read at a path, trimmed and capped; "" when there was none. */
    value(key) {
        // .NET writes Windows line ends, and the TRX writer escapes their CR as &#xD;.
        return this.sinks.get(key)?.value().replace(/\r\n?/g, '\n') ?? '';
    }
}


/***/ }),

/***/ 1848:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   parseNunit: () => (/* binding */ parseNunit)
/* harmony export */ });
/* harmony import */ var _junit_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2556);
/* harmony import */ var _test_tally_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(5801);
/* harmony import */ var _dotnet_text_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7638);
/* harmony import */ var _test_xml_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5214);
/* harmony import */ var _core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(515);





/**
 * NUnit 3 test results (`nunit3-console --result`, the NUnit engine, `dotnet test` with the NUnit
 * adapter's result option), counted as nunit3-console's summary counts them. A suite's own result,
 * failure and stack trace come before its children, so what a failed one-time setup or teardown
 * means for the tests below it is known when they are read.
 */
/** Suites that stand for one method: their cases' names already say it ("Adds(2,2,4)"). */
const METHOD_SUITES = new Set(['ParameterizedMethod', 'Theory', 'GenericMethod']);
/** nunit3-console counts every test below such a fixture whose teardown errored as an error. */
const TEARDOWN_FIXTURES = new Set(['TestFixture', 'SetUpFixture']);
const CASE_TEXTS = [
    'failure/message',
    'failure/stack-trace',
    'assertions/assertion/message',
    'assertions/assertion/stack-trace',
    'output',
];
const SUITE_TEXTS = ['failure/message', 'failure/stack-trace'];
async function parseNunit(source, context) {
    return (0,_test_xml_js__WEBPACK_IMPORTED_MODULE_2__/* .readTestXml */ .Uw)(source, context, { formatName: 'NUnit 3', roots: ['test-run'] }, new NunitReader());
}
class NunitReader {
    tally = new _test_tally_js__WEBPACK_IMPORTED_MODULE_4__/* .TestTally */ .$d();
    depth = 0;
    suites = [];
    current;
    open({ name, attributes }) {
        this.depth += 1;
        const testCase = this.current;
        if (testCase !== undefined) {
            testCase.texts.open(name);
        }
        else if (name === 'test-suite') {
            const { result, label, site, type = '' } = attributes;
            this.suites.push({
                attributes,
                depth: this.depth,
                texts: new _dotnet_text_js__WEBPACK_IMPORTED_MODULE_1__/* .TextRouter */ .Zp(SUITE_TEXTS),
                setUpFailed: result === 'Failed' && site === 'SetUp',
                tearDownFailed: TEARDOWN_FIXTURES.has(type) &&
                    result === 'Failed' &&
                    label === 'Error' &&
                    site === 'TearDown',
                failuresBelow: 0,
            });
        }
        else if (name === 'test-case') {
            this.current = { attributes, depth: this.depth, texts: new _dotnet_text_js__WEBPACK_IMPORTED_MODULE_1__/* .TextRouter */ .Zp(CASE_TEXTS) };
        }
        else {
            this.suites.at(-1)?.texts.open(name);
        }
    }
    close(name) {
        const testCase = this.current;
        const suite = this.suites.at(-1);
        if (testCase !== undefined && testCase.depth === this.depth) {
            this.current = undefined;
            this.finishCase(testCase);
        }
        else if (testCase !== undefined) {
            testCase.texts.close();
        }
        else if (name === 'test-suite' && suite?.depth === this.depth) {
            this.suites.pop();
            this.finishSuite(suite);
        }
        else {
            suite?.texts.close();
        }
        this.depth -= 1;
    }
    text(text) {
        if (this.current !== undefined)
            this.current.texts.text(text);
        else
            this.suites.at(-1)?.texts.text(text);
    }
    finishCase(testCase) {
        const { attributes } = testCase;
        const setUp = this.suites.findLast((suite) => suite.setUpFailed);
        const tearDown = this.suites.findLast((suite) => suite.tearDownFailed);
        // The console counts an ignored or explicit test below a failed teardown as skipped, not error.
        const failedBy = setUp !== undefined
            ? { suite: setUp, step: 'OneTimeSetUp' }
            : tearDown !== undefined && attributes.result !== 'Skipped'
                ? { suite: tearDown, step: 'OneTimeTearDown' }
                : undefined;
        const outcome = failedBy === undefined ? outcomeOf(attributes.result) : 'failed';
        if (outcome === 'failed')
            for (const suite of this.suites)
                suite.failuresBelow += 1;
        const durationMs = (0,_test_xml_js__WEBPACK_IMPORTED_MODULE_2__/* .secondsToMs */ .n)(attributes.duration);
        this.tally.add(outcome, durationMs, () => this.describeCase(testCase, outcome, durationMs, failedBy));
    }
    describeCase({ attributes, texts }, outcome, durationMs, failedBy) {
        const name = attributes.name ?? '';
        const stackTrace = texts.value('failure/stack-trace') || texts.value('assertions/assertion/stack-trace');
        // A test failed by its fixture has no stack trace of its own; the fixture's shows where.
        const fixtureTrace = failedBy?.suite.texts.value('failure/stack-trace') ?? '';
        const details = stackTrace || fixtureTrace || texts.value('output');
        let message = texts.value('failure/message') ||
            texts.value('assertions/assertion/message') ||
            (0,_dotnet_text_js__WEBPACK_IMPORTED_MODULE_1__/* .firstLine */ .TM)(stackTrace);
        if (failedBy !== undefined && (attributes.result !== 'Failed' || !message)) {
            // NUnit words it "OneTimeSetUp: <the fixture's message>" on the tests it fails itself.
            const why = failedBy.suite.texts.value('failure/message');
            message = why ? `${failedBy.step}: ${why}` : `${failedBy.step} failed`;
        }
        const described = { suite: this.suitePath(), name: (0,_core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_3__/* .ownCopy */ .Sf)(name), outcome };
        const classname = attributes.classname || classOf(attributes.fullname, name);
        if (classname)
            described.classname = (0,_core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_3__/* .ownCopy */ .Sf)(classname);
        if (durationMs !== undefined)
            described.durationMs = durationMs;
        (0,_test_xml_js__WEBPACK_IMPORTED_MODULE_2__/* .addFailureText */ .Ni)(described, message, details);
        return described;
    }
    /**
     * A suite that failed on its own (one-time setup or teardown, an invalid fixture, an assembly
     * that could not be loaded) with no failed test below it would otherwise pass unnoticed.
     */
    finishSuite(suite) {
        const { result, label, site, type, name = '' } = suite.attributes;
        const failedItself = result === 'Failed' &&
            (site === 'SetUp' ||
                site === 'TearDown' ||
                label === 'Invalid' ||
                (type === 'Assembly' && label === 'Error'));
        if (!failedItself || suite.failuresBelow > 0)
            return;
        for (const parent of this.suites)
            parent.failuresBelow += 1;
        this.tally.add('failed', undefined, () => {
            const details = suite.texts.value('failure/stack-trace');
            const message = suite.texts.value('failure/message') || `${site ?? label ?? 'suite'} failed`;
            const described = {
                suite: this.suitePath(),
                name: (0,_core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_3__/* .ownCopy */ .Sf)(name),
                outcome: 'failed',
                message: (0,_test_xml_js__WEBPACK_IMPORTED_MODULE_2__/* .capped */ .uo)(message),
            };
            const classname = suite.attributes.classname;
            if (classname)
                described.classname = (0,_core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_3__/* .ownCopy */ .Sf)(classname);
            if (details)
                described.details = details;
            return described;
        });
    }
    suitePath() {
        return (0,_core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_3__/* .ownCopy */ .Sf)(this.suites
            .filter((suite) => !METHOD_SUITES.has(suite.attributes.type ?? ''))
            .map((suite) => suite.attributes.name ?? '')
            .filter((name) => name !== '')
            .join(_junit_js__WEBPACK_IMPORTED_MODULE_0__.SUITE_SEPARATOR));
    }
}
/**
 * Passed and Warning ran and did not fail; Skipped (Ignored, Explicit) and Inconclusive give no
 * verdict, nor does a result NUnit does not define.
 */
function outcomeOf(result) {
    if (result === 'Failed')
        return 'failed';
    if (result === 'Passed' || result === 'Warning')
        return 'passed';
    return 'skipped';
}
/** "Calc.Tests.CalcTests.Adds(2,2,4)" named "Adds(2,2,4)" belongs to "Calc.Tests.CalcTests". */
function classOf(fullname, name) {
    if (!fullname || !name || !fullname.endsWith(`.${name}`))
        return undefined;
    return fullname.slice(0, -name.length - 1);
}


/***/ })

};

//# sourceMappingURL=848.index.js.map