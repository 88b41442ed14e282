export const id = 962;
export const ids = [962];
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

/***/ 8962:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   parseTrx: () => (/* binding */ parseTrx)
/* harmony export */ });
/* harmony import */ var _test_tally_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(5801);
/* harmony import */ var _dotnet_text_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7638);
/* harmony import */ var _test_xml_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5214);
/* harmony import */ var _core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(515);




/**
 * Visual Studio test results (TRX), as `dotnet test --logger trx` (the vstest TRX logger),
 * vstest.console and Microsoft.Testing.Platform write them. Results come first and the test
 * definitions (class, assembly) after them, so the few kept cases are completed when their
 * definitions arrive; nothing else is held.
 */
const OUTCOMES_PASSED = new Set(['Passed', 'PassedButRunAborted', 'Warning', 'Completed']);
/** Never ran, or ran without a verdict: the vstest logger writes a skipped test as NotExecuted. */
const OUTCOMES_SKIPPED = new Set(['NotExecuted', 'NotRunnable', 'Inconclusive', 'Pending']);
/**
 * Everything else did not pass: Failed, Error, Timeout, Aborted, Disconnected, InProgress (the run
 * ended while the test ran). The TRX writer leaves out attributes that hold their type's default,
 * and Error is the first value of its outcome enum, so a result without `outcome` is an Error.
 */
const DEFAULT_OUTCOME = 'Error';
/** Definitions kept when a writer puts TestDefinitions before Results; beyond it, no classnames. */
const MAX_EARLY_DEFINITIONS = 100_000;
const TEXTS = [
    'Output/ErrorInfo/Message',
    'Output/ErrorInfo/StackTrace',
    'Output/StdErr',
    'Output/StdOut',
];
async function parseTrx(source, context) {
    return (0,_test_xml_js__WEBPACK_IMPORTED_MODULE_1__/* .readTestXml */ .Uw)(source, context, { formatName: 'TRX', roots: ['TestRun'] }, new TrxReader());
}
class TrxReader {
    tally = new _test_tally_js__WEBPACK_IMPORTED_MODULE_3__/* .TestTally */ .$d();
    elements = [];
    results = [];
    resultsSeen = false;
    /** Test ids of the cases described so far; those still kept are completed by their definition. */
    testIds = new WeakMap();
    keptById;
    earlyDefinitions = new Map();
    definitionId;
    open({ name, attributes }) {
        const parent = this.elements.at(-1);
        this.elements.push(name);
        const result = this.results.at(-1);
        if (parent === 'Results' || (parent === 'InnerResults' && result !== undefined)) {
            this.resultsSeen = true;
            this.results.push({
                attributes,
                depth: this.elements.length,
                texts: new _dotnet_text_js__WEBPACK_IMPORTED_MODULE_0__/* .TextRouter */ .Zp(TEXTS),
                innerResults: 0,
            });
        }
        else if (result !== undefined) {
            result.texts.open(name);
        }
        else if (name === 'UnitTest' && parent === 'TestDefinitions') {
            this.definitionId = attributes.id;
        }
        else if (name === 'TestMethod' && this.definitionId !== undefined) {
            this.define(this.definitionId, {
                classname: attributes.className,
                assembly: attributes.codeBase ?? attributes.storage,
            });
        }
    }
    close(name) {
        const result = this.results.at(-1);
        if (result !== undefined && result.depth === this.elements.length) {
            this.results.pop();
            this.finishResult(result);
        }
        else if (result !== undefined) {
            result.texts.close();
        }
        else if (name === 'UnitTest') {
            this.definitionId = undefined;
        }
        this.elements.pop();
    }
    text(text) {
        this.results.at(-1)?.texts.text(text);
    }
    finishResult(result) {
        // A data-driven test's parent only sums up its rows; `dotnet test` counts the rows.
        if (result.innerResults > 0) {
            const parent = this.results.at(-1);
            if (parent !== undefined)
                parent.innerResults += result.innerResults;
            return;
        }
        const parent = this.results.at(-1);
        if (parent !== undefined)
            parent.innerResults += 1;
        const trxOutcome = result.attributes.outcome ?? DEFAULT_OUTCOME;
        const outcome = OUTCOMES_PASSED.has(trxOutcome)
            ? 'passed'
            : OUTCOMES_SKIPPED.has(trxOutcome)
                ? 'skipped'
                : 'failed';
        const durationMs = (0,_dotnet_text_js__WEBPACK_IMPORTED_MODULE_0__/* .timeSpanToMs */ .PN)(result.attributes.duration);
        this.tally.add(outcome, durationMs, () => this.describe(result, outcome, trxOutcome, durationMs));
    }
    describe(result, outcome, trxOutcome, durationMs) {
        const { attributes, texts } = result;
        const stackTrace = texts.value('Output/ErrorInfo/StackTrace');
        const details = stackTrace || texts.value('Output/StdErr') || texts.value('Output/StdOut');
        const message = texts.value('Output/ErrorInfo/Message') ||
            (0,_dotnet_text_js__WEBPACK_IMPORTED_MODULE_0__/* .firstLine */ .TM)(details) ||
            // A timeout or an aborted test often comes without any text; its outcome says what happened.
            (trxOutcome === 'Failed' ? '' : trxOutcome);
        const described = {
            suite: '',
            name: (0,_core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_2__/* .ownCopy */ .Sf)(attributes.testName ?? ''),
            outcome,
        };
        if (durationMs !== undefined)
            described.durationMs = durationMs;
        (0,_test_xml_js__WEBPACK_IMPORTED_MODULE_1__/* .addFailureText */ .Ni)(described, message, details);
        const testId = attributes.testId;
        if (testId !== undefined) {
            this.testIds.set(described, (0,_core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_2__/* .ownCopy */ .Sf)(testId));
            const early = this.earlyDefinitions.get(testId);
            if (early !== undefined)
                complete(described, early);
        }
        return described;
    }
    define(testId, definition) {
        if (!this.resultsSeen) {
            if (this.earlyDefinitions.size < MAX_EARLY_DEFINITIONS) {
                this.earlyDefinitions.set((0,_core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_2__/* .ownCopy */ .Sf)(testId), {
                    classname: definition.classname && (0,_core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_2__/* .ownCopy */ .Sf)(definition.classname),
                    assembly: definition.assembly && (0,_core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_2__/* .ownCopy */ .Sf)(definition.assembly),
                });
            }
            return;
        }
        // The results are read: only the cases the tally kept still need their class and assembly.
        this.keptById ??= this.indexKept();
        for (const test of this.keptById.get(testId) ?? [])
            complete(test, definition);
    }
    indexKept() {
        const { notable, slowest } = this.tally.results();
        const index = new Map();
        for (const test of new Set([...notable, ...slowest])) {
            const id = this.testIds.get(test);
            if (id === undefined)
                continue;
            const list = index.get(id) ?? [];
            list.push(test);
            index.set(id, list);
        }
        return index;
    }
}
function complete(test, { classname, assembly }) {
    // MSTest v1 wrote assembly-qualified names: "Calc.Tests.CalcTests, Calc.Tests, Version=1.0.0.0".
    const className = classname?.split(',')[0]?.trim();
    if (className)
        test.classname = (0,_core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_2__/* .ownCopy */ .Sf)(className);
    if (assembly)
        test.suite = (0,_core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_2__/* .ownCopy */ .Sf)((0,_dotnet_text_js__WEBPACK_IMPORTED_MODULE_0__/* .fileName */ .Md)(assembly));
}


/***/ })

};

//# sourceMappingURL=962.index.js.map