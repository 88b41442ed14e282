export const id = 109;
export const ids = [109];
export const modules = {

/***/ 5793:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ff: () => (/* binding */ positiveIntegerOrUndefined),
/* harmony export */   Gv: () => (/* binding */ isObject),
/* harmony export */   N4: () => (/* binding */ readJsonReport),
/* harmony export */   Q9: () => (/* binding */ stripByteOrderMark),
/* harmony export */   XD: () => (/* binding */ objectOrUndefined),
/* harmony export */   cX: () => (/* binding */ arrayOrEmpty),
/* harmony export */   j: () => (/* binding */ stringOrUndefined),
/* harmony export */   jn: () => (/* binding */ shapeProblem)
/* harmony export */ });
/* harmony import */ var _source_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8114);


/** Reads a whole JSON report; an empty or malformed document is a ReportError naming the format. */
async function readJsonReport(source, format) {
    const text = await source.readText(_source_js__WEBPACK_IMPORTED_MODULE_0__/* .MAX_TEXT_REPORT_BYTES */ .gz);
    if (text.trim() === '') {
        throw new _source_js__WEBPACK_IMPORTED_MODULE_0__/* .ReportError */ .$g(source.origin, `is empty, expected ${format} JSON output.`);
    }
    try {
        return JSON.parse(stripByteOrderMark(text));
    }
    catch (error) {
        throw new _source_js__WEBPACK_IMPORTED_MODULE_0__/* .ReportError */ .$g(source.origin, `is not valid JSON (${error.message}), expected ${format} JSON output.`);
    }
}
function stripByteOrderMark(text) {
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function objectOrUndefined(value) {
    return isObject(value) ? value : undefined;
}
function arrayOrEmpty(value) {
    return Array.isArray(value) ? value : [];
}
function stringOrUndefined(value) {
    return typeof value === 'string' ? value : undefined;
}
/** Positive whole numbers only: line and column numbers are 1-based, anything else is noise. */
function positiveIntegerOrUndefined(value) {
    return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
/**
 * Why a field a parser reads has the wrong JSON type, in words that say where, e.g.
 * `results[0].messages must be an array`; undefined when the field is absent (undefined or
 * null, which tools write for "none") or of that type.
 * Parsers turn the problem into their own report error, so every format refuses a malformed
 * shape the same way instead of skipping the field.
 */
function shapeProblem(value, type, where) {
    if (value === undefined || value === null)
        return undefined;
    const ok = type === 'object'
        ? isObject(value)
        : type === 'array'
            ? Array.isArray(value)
            : typeof value === type;
    return ok
        ? undefined
        : `${where} must be ${type === 'array' || type === 'object' ? 'an' : 'a'} ${type}`;
}


/***/ }),

/***/ 1916:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   OL: () => (/* binding */ MAX_DETAILS_CHARS),
/* harmony export */   aJ: () => (/* binding */ stripAnsi),
/* harmony export */   hP: () => (/* binding */ MAX_MESSAGE_CHARS),
/* harmony export */   yA: () => (/* binding */ capText)
/* harmony export */ });
/** Messages and details are capped so that a hostile or huge report cannot exhaust memory. */
const MAX_MESSAGE_CHARS = 4_000;
const MAX_DETAILS_CHARS = 4_000;
function capText(text, maxChars = MAX_MESSAGE_CHARS) {
    if (text.length <= maxChars)
        return text;
    const marker = '… (truncated)';
    return text.slice(0, Math.max(0, maxChars - marker.length)) + marker;
}
// CSI sequences (colours, cursor movement) and the character-set designations (ESC ( B) that
// term-based emitters such as rustfmt's print after each coloured line.
const ESC = String.fromCharCode(0x1b);
const ANSI_ESCAPE = new RegExp(`${ESC}\\[[0-?]*[ -/]*[@-~]|${ESC}[()][0-9A-Za-z]|${ESC}[@-Z\\\\-_]`, 'g');
function stripAnsi(text) {
    return text.replace(ANSI_ESCAPE, '');
}


/***/ }),

/***/ 2109:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   parseMochaJson: () => (/* binding */ parseMochaJson)
/* harmony export */ });
/* harmony import */ var _model_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9766);
/* harmony import */ var _core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5793);
/* harmony import */ var _report_paths_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2296);
/* harmony import */ var _core_reports_source_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8114);
/* harmony import */ var _core_reports_text_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(1916);
/* harmony import */ var _test_tally_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(5801);






/**
 * Mocha's JSON reporter (`mocha --reporter json`): { stats, tests, pending, failures, passes }.
 *
 * Cases are counted from `tests` (every test that ended, pending ones included), plus the
 * failures that are not tests: a failing hook ('"before each" hook for "x"') appears only in
 * `failures`, and the tests it stopped appear nowhere, as in mocha's own stats. So passed,
 * failed and skipped equal stats.passes, stats.failures and stats.pending. A test that passed
 * after `--retries` / this.retries() has currentRetry > 0 and is flaky.
 *
 * The report is one JSON document, read whole like every JSON report. Mocha writes it to
 * stdout after anything the tests printed with console.log, so such text before it is skipped.
 */
const FORMAT = 'mocha JSON';
const HINT = 'as mocha --reporter json writes it';
async function parseMochaJson(source, context) {
    const report = parseDocument(await source.readText(_core_reports_source_js__WEBPACK_IMPORTED_MODULE_3__/* .MAX_TEXT_REPORT_BYTES */ .gz), source.origin);
    const problem = shapeErrors(report);
    if (problem !== undefined) {
        throw new _model_js__WEBPACK_IMPORTED_MODULE_0__/* .ReportError */ .$g(source.origin, `is not ${FORMAT} output: ${problem}, ${HINT}.`);
    }
    // shapeErrors has checked these lists and the fields read from their entries.
    const lists = report;
    const failures = new Multiset(lists.failures);
    const pending = new Multiset(lists.pending);
    const tally = new _test_tally_js__WEBPACK_IMPORTED_MODULE_5__/* .TestTally */ .$d();
    for (const test of lists.tests) {
        const failure = failures.take(test);
        const outcome = failure !== undefined
            ? 'failed'
            : pending.take(test) !== undefined
                ? 'skipped'
                : retries(test) > 0
                    ? 'flaky'
                    : 'passed';
        add(tally, failure ?? test, outcome, context);
    }
    // What is left failed without being a test that ended: hooks, mostly.
    for (const failure of failures.rest())
        add(tally, failure, 'failed', context);
    return { findings: [], tests: tally.results() };
}
function parseDocument(text, origin) {
    const body = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stripByteOrderMark */ .Q9)(text);
    if (body.trim() === '') {
        throw new _model_js__WEBPACK_IMPORTED_MODULE_0__/* .ReportError */ .$g(origin, `is empty, expected ${FORMAT} output (${HINT}).`);
    }
    try {
        return JSON.parse(body);
    }
    catch (error) {
        // console.log output of the tests comes before the report on stdout.
        const start = body.search(/^\{\s*"stats"\s*:/m);
        if (start > 0) {
            try {
                return JSON.parse(body.slice(start));
            }
            catch (later) {
                throw notJson(origin, body, later, start);
            }
        }
        throw notJson(origin, body, error, 0);
    }
}
function notJson(origin, text, error, offset) {
    const message = error.message;
    const position = /position (\d+)/.exec(message);
    const where = position === null ? '' : ` at line ${lineAt(text, offset + Number.parseInt(position[1], 10))}`;
    return new _model_js__WEBPACK_IMPORTED_MODULE_0__/* .ReportError */ .$g(origin, `is not valid JSON${where} (${message}), expected ${FORMAT} output (${HINT}).`);
}
function lineAt(text, index) {
    let line = 1;
    for (let at = text.indexOf('\n'); at !== -1 && at < index; at = text.indexOf('\n', at + 1))
        line += 1;
    return line;
}
/** The first field this parser reads that is missing or of the wrong type. */
function shapeErrors(report) {
    if (!(0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(report))
        return 'the document must be an object';
    if (!(0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(report.stats))
        return 'stats must be an object';
    for (const list of ['tests', 'pending', 'failures']) {
        if (!Array.isArray(report[list]))
            return `${list} must be an array`;
        for (const [index, test] of report[list].entries()) {
            const where = `${list}[${index}]`;
            if (!(0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(test))
                return `${where} must be an object`;
            const problem = (typeof test.title === 'string' ? undefined : `${where}.title must be a string`) ??
                (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(test.fullTitle, 'string', `${where}.fullTitle`) ??
                (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(test.file, 'string', `${where}.file`) ??
                (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(test.duration, 'number', `${where}.duration`) ??
                (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(test.currentRetry, 'number', `${where}.currentRetry`) ??
                (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(test.err, 'object', `${where}.err`) ??
                ((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(test.err)
                    ? ((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(test.err.message, 'string', `${where}.err.message`) ??
                        (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(test.err.stack, 'string', `${where}.err.stack`))
                    : undefined);
            if (problem !== undefined)
                return problem;
        }
    }
    return undefined;
}
/**
 * The JSON reporter writes each test once per list it is in, as separate copies; a test is
 * found again in `failures` or `pending` by its title, full title and file. Tests may share
 * all three, so copies are counted, not just looked up.
 */
class Multiset {
    entries = new Map();
    constructor(items) {
        for (const item of items) {
            const key = identity(item);
            const list = this.entries.get(key);
            if (list === undefined)
                this.entries.set(key, [item]);
            else
                list.push(item);
        }
    }
    take(test) {
        const list = this.entries.get(identity(test));
        return list?.shift();
    }
    *rest() {
        for (const list of this.entries.values())
            yield* list;
    }
}
function identity(test) {
    return JSON.stringify([test.title, test.fullTitle, test.file]);
}
function retries(test) {
    return typeof test.currentRetry === 'number' ? test.currentRetry : 0;
}
function add(tally, test, outcome, context) {
    const duration = typeof test.duration === 'number' ? Math.round(test.duration) : undefined;
    tally.add(outcome, duration, () => describe(test, outcome, duration, context));
}
function describe(test, outcome, durationMs, context) {
    const title = test.title;
    const fullTitle = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(test.fullTitle) ?? title;
    const suite = fullTitle.endsWith(title) ? fullTitle.slice(0, -title.length).trim() : '';
    const err = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(test.err) ? test.err : {};
    const message = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(err.message)?.trim();
    const stack = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(err.stack)?.trim();
    const file = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(test.file);
    const described = { suite, name: title, outcome };
    if (durationMs !== undefined)
        described.durationMs = durationMs;
    if (outcome === 'failed') {
        described.message = (0,_core_reports_text_js__WEBPACK_IMPORTED_MODULE_4__/* .capText */ .yA)(message || firstLine(stack) || 'failed', _core_reports_text_js__WEBPACK_IMPORTED_MODULE_4__/* .MAX_MESSAGE_CHARS */ .hP);
        if (stack)
            described.details = (0,_core_reports_text_js__WEBPACK_IMPORTED_MODULE_4__/* .capText */ .yA)(stack, _core_reports_text_js__WEBPACK_IMPORTED_MODULE_4__/* .MAX_DETAILS_CHARS */ .OL);
    }
    else if (outcome === 'flaky') {
        const count = retries(test);
        described.message = `passed after ${count} ${count === 1 ? 'retry' : 'retries'}`;
    }
    if (file !== undefined && file !== '') {
        described.file = (0,_report_paths_js__WEBPACK_IMPORTED_MODULE_2__/* .reportPath */ .e)(file, context);
    }
    return described;
}
function firstLine(text) {
    return text
        ?.split('\n')
        .map((line) => line.trim())
        .find((line) => line !== '');
}


/***/ })

};

//# sourceMappingURL=109.index.js.map