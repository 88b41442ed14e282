export const id = 742;
export const ids = [742];
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

/***/ 742:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   parseXunit: () => (/* binding */ parseXunit)
/* harmony export */ });
/* harmony import */ var _test_tally_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(5801);
/* harmony import */ var _dotnet_text_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7638);
/* harmony import */ var _test_xml_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5214);
/* harmony import */ var _report_paths_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2296);
/* harmony import */ var _core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(515);





/**
 * xUnit.net v2 XML (the xunit console runner's `-xml`, `dotnet test --logger xunit`, and v3
 * runners, which keep the format). Tests are counted as the console counts them; the assembly's
 * <errors> (a fixture's or a class's cleanup that threw, a fatal error) fail no test there, so each
 * is added as a failed case named after what failed, or the gate would pass a broken run.
 */
/** "NotRun" (schema 2+): an explicit test that was not asked for. */
const RESULTS = {
    Pass: 'passed',
    Fail: 'failed',
    Skip: 'skipped',
    NotRun: 'skipped',
};
/** How an error's `type` reads after its name, e.g. "Calc.Tests.DbFixture (class cleanup)". */
const ERROR_KINDS = {
    'assembly-cleanup': 'assembly cleanup',
    'test-collection-cleanup': 'collection cleanup',
    'test-class-cleanup': 'class cleanup',
    'test-method-cleanup': 'method cleanup',
    'test-case-cleanup': 'test case cleanup',
    'test-cleanup': 'test cleanup',
    fatal: 'fatal error',
};
const TEXTS = ['failure/message', 'failure/stack-trace', 'output'];
async function parseXunit(source, context) {
    const reader = new XunitReader(context);
    return (0,_test_xml_js__WEBPACK_IMPORTED_MODULE_1__/* .readTestXml */ .Uw)(source, context, { formatName: 'xUnit.net v2', roots: ['assemblies'] }, reader);
}
class XunitReader {
    context;
    tally = new _test_tally_js__WEBPACK_IMPORTED_MODULE_4__/* .TestTally */ .$d();
    depth = 0;
    assembly = '';
    current;
    constructor(context) {
        this.context = context;
    }
    open({ name, attributes }) {
        this.depth += 1;
        const item = this.current;
        if (item !== undefined) {
            if (name === 'failure' && item.texts.atTop)
                item.exceptionType = attributes['exception-type'];
            item.texts.open(name);
        }
        else if (name === 'assembly') {
            this.assembly = (0,_core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_3__/* .ownCopy */ .Sf)((0,_dotnet_text_js__WEBPACK_IMPORTED_MODULE_0__/* .fileName */ .Md)(attributes.name ?? ''));
        }
        else if (name === 'test' || name === 'error') {
            this.current = {
                kind: name,
                attributes,
                depth: this.depth,
                texts: new _dotnet_text_js__WEBPACK_IMPORTED_MODULE_0__/* .TextRouter */ .Zp(TEXTS),
            };
        }
    }
    close(name) {
        const item = this.current;
        if (item !== undefined && item.depth === this.depth) {
            this.current = undefined;
            if (item.kind === 'test')
                this.finishTest(item);
            else
                this.finishError(item);
        }
        else if (item !== undefined) {
            item.texts.close();
        }
        else if (name === 'assembly') {
            this.assembly = '';
        }
        this.depth -= 1;
    }
    text(text) {
        this.current?.texts.text(text);
    }
    finishTest(test) {
        const { attributes } = test;
        // A result this format does not define is not taken for a pass.
        const outcome = RESULTS[attributes.result ?? ''] ?? 'failed';
        const durationMs = (0,_test_xml_js__WEBPACK_IMPORTED_MODULE_1__/* .secondsToMs */ .n)(attributes.time);
        this.tally.add(outcome, durationMs, () => {
            const described = this.describe(test, attributes.name ?? '', outcome);
            if (attributes.type)
                described.classname = (0,_core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_3__/* .ownCopy */ .Sf)(attributes.type);
            if (durationMs !== undefined)
                described.durationMs = durationMs;
            // Only v1-era runners and some loggers state where a test is; never guessed here.
            const file = attributes['source-file'];
            if (file) {
                described.file = (0,_core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_3__/* .ownCopy */ .Sf)((0,_report_paths_js__WEBPACK_IMPORTED_MODULE_2__/* .reportPath */ .e)(file, this.context));
                const line = Number.parseInt(attributes['source-line'] ?? '', 10);
                if (Number.isInteger(line) && line > 0)
                    described.line = line;
            }
            return described;
        });
    }
    finishError(error) {
        const { type = '', name } = error.attributes;
        const kind = ERROR_KINDS[type] ?? (type || 'error');
        this.tally.add('failed', undefined, () => {
            const described = this.describe(error, `${name || 'unknown'} (${kind})`, 'failed');
            // A class cleanup names the class whose fixture failed.
            if (type === 'test-class-cleanup' && name)
                described.classname = (0,_core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_3__/* .ownCopy */ .Sf)(name);
            return described;
        });
    }
    describe({ texts, exceptionType }, name, outcome) {
        const stackTrace = texts.value('failure/stack-trace');
        const details = stackTrace || texts.value('output');
        const message = texts.value('failure/message') || exceptionType || (0,_dotnet_text_js__WEBPACK_IMPORTED_MODULE_0__/* .firstLine */ .TM)(stackTrace);
        const described = { suite: this.assembly, name: (0,_core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_3__/* .ownCopy */ .Sf)(name), outcome };
        (0,_test_xml_js__WEBPACK_IMPORTED_MODULE_1__/* .addFailureText */ .Ni)(described, message, details);
        return described;
    }
}


/***/ })

};

//# sourceMappingURL=742.index.js.map