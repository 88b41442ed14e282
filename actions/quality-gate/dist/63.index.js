export const id = 63;
export const ids = [63];
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

/***/ 5063:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   parseClippy: () => (/* binding */ parseClippy)
/* harmony export */ });
/* harmony import */ var _model_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9766);
/* harmony import */ var _core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5793);
/* harmony import */ var _report_paths_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2296);
/* harmony import */ var _core_reports_source_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8114);
/* harmony import */ var _core_reports_text_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(1916);
/* harmony import */ var _core_url_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(38);






/**
 * `cargo clippy --message-format=json` (also `cargo check`/`cargo build`): one JSON object per
 * line, of which only "compiler-message" lines matter. Summary diagnostics ("3 warnings
 * emitted", "aborting due to...") carry neither a code nor a span and are skipped; a
 * diagnostic is located at its primary span. With --all-targets, cargo repeats a diagnostic
 * once per target that compiles the same source, so identical diagnostics are counted once.
 */
async function parseClippy(source, context) {
    const text = await source.readText(_core_reports_source_js__WEBPACK_IMPORTED_MODULE_3__/* .MAX_TEXT_REPORT_BYTES */ .gz);
    const findings = [];
    const seen = new Set();
    let cargoMessages = 0;
    for (const [index, line] of text.split(/\r?\n/).entries()) {
        const record = parseLine(line);
        if (!record || typeof record.reason !== 'string')
            continue;
        cargoMessages += 1;
        if (record.reason !== 'compiler-message')
            continue;
        const problem = shapeErrors(record);
        if (problem !== undefined) {
            throw new _model_js__WEBPACK_IMPORTED_MODULE_0__/* .ReportError */ .$g(source.origin, `is not cargo JSON output: line ${index + 1}: ${problem}, as cargo --message-format=json writes it.`);
        }
        const diagnostic = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)(record.message);
        if (!diagnostic)
            continue;
        const finding = toFinding(diagnostic, context);
        if (!finding)
            continue;
        const key = JSON.stringify([
            finding.file,
            finding.line,
            finding.column,
            finding.rule,
            finding.message,
        ]);
        if (seen.has(key))
            continue;
        seen.add(key);
        findings.push(finding);
    }
    // A finished cargo run always prints at least "build-finished"; nothing at all means cargo
    // failed before building (bad manifest, no network) and the report must not pass as clean.
    if (cargoMessages === 0) {
        throw new _model_js__WEBPACK_IMPORTED_MODULE_0__/* .ReportError */ .$g(source.origin, 'has no cargo JSON messages: run cargo clippy with --message-format=json, and check that cargo could start the build.');
    }
    return { findings };
}
/** The first field of a compiler message this parser reads that has the wrong type. */
function shapeErrors(record) {
    const diagnostic = record.message;
    if (!(0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(diagnostic))
        return 'message must be an object';
    const first = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(diagnostic.code, 'object', 'message.code') ??
        ((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(diagnostic.code)
            ? (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(diagnostic.code.code, 'string', 'message.code.code')
            : undefined) ??
        (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(diagnostic.level, 'string', 'message.level') ??
        (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(diagnostic.message, 'string', 'message.message') ??
        (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(diagnostic.rendered, 'string', 'message.rendered') ??
        (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(diagnostic.spans, 'array', 'message.spans');
    if (first !== undefined)
        return first;
    for (const [at, span] of (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .arrayOrEmpty */ .cX)(diagnostic.spans).entries()) {
        const where = `message.spans[${at}]`;
        if (!(0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(span))
            return `${where} must be an object`;
        const problem = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(span.file_name, 'string', `${where}.file_name`) ??
            (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(span.line_start, 'number', `${where}.line_start`) ??
            (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(span.line_end, 'number', `${where}.line_end`) ??
            (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(span.column_start, 'number', `${where}.column_start`) ??
            (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(span.column_end, 'number', `${where}.column_end`) ??
            (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(span.expansion, 'object', `${where}.expansion`);
        if (problem !== undefined)
            return problem;
    }
    return undefined;
}
function parseLine(line) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('{'))
        return undefined;
    try {
        const value = JSON.parse(trimmed);
        return (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(value) ? value : undefined;
    }
    catch {
        // Build scripts and wrappers may print other text between cargo's JSON lines.
        return undefined;
    }
}
const LEVELS = {
    error: 'error',
    'error: internal compiler error': 'error',
    warning: 'warning',
    note: 'notice',
    help: 'notice',
    'failure-note': 'notice',
};
function toFinding(diagnostic, context) {
    const code = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)(diagnostic.code)?.code);
    const span = primarySpan(diagnostic, context);
    // A diagnostic with neither a code nor a place is a summary line, not a problem in the code.
    if (code === undefined && span === undefined)
        return undefined;
    const level = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(diagnostic.level) ?? 'error';
    const rendered = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(diagnostic.rendered);
    const ruleUrl = documentationLink(diagnostic);
    return {
        source: code?.startsWith('clippy::') ? 'clippy' : 'rustc',
        ...(code !== undefined && { rule: code }),
        ...(ruleUrl !== undefined && { ruleUrl }),
        severity: LEVELS[level] ?? 'error',
        message: (0,_core_reports_text_js__WEBPACK_IMPORTED_MODULE_4__/* .capText */ .yA)((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(diagnostic.message) ?? code ?? 'compiler diagnostic'),
        ...(rendered !== undefined && { details: (0,_core_reports_text_js__WEBPACK_IMPORTED_MODULE_4__/* .capText */ .yA)(rendered.trimEnd(), _core_reports_text_js__WEBPACK_IMPORTED_MODULE_4__/* .MAX_DETAILS_CHARS */ .OL) }),
        ...(span ?? {}),
    };
}
// Clippy adds this child to each lint's diagnostic; rustc's own lints and error codes carry no
// link (their JSON has only the `rustc --explain` text), so they get none.
const FURTHER_INFORMATION = /^for further information visit (\S+)$/;
function documentationLink(diagnostic) {
    for (const child of (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .arrayOrEmpty */ .cX)(diagnostic.children)) {
        const message = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)(child)?.message);
        const match = message === undefined ? null : FURTHER_INFORMATION.exec(message.trim());
        if (match)
            return (0,_core_url_js__WEBPACK_IMPORTED_MODULE_5__/* .reportLinkOrUndefined */ .qr)(match[1]);
    }
    return undefined;
}
function primarySpan(diagnostic, context) {
    const spans = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .arrayOrEmpty */ .cX)(diagnostic.spans).filter(_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv);
    let span = spans.find((candidate) => candidate.is_primary === true);
    // A span inside a macro from another crate or the standard library points at code the user
    // cannot change; its expansion chain leads back to the call site in the user's code.
    for (let depth = 0; span && depth < 16 && isOutside(span, context); depth += 1) {
        const outer = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)(span.expansion)?.span);
        if (!outer)
            break;
        span = outer;
    }
    if (!span)
        return undefined;
    const fileName = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(span.file_name);
    const line = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .positiveIntegerOrUndefined */ .Ff)(span.line_start);
    if (fileName === undefined || line === undefined)
        return undefined;
    const endLine = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .positiveIntegerOrUndefined */ .Ff)(span.line_end);
    const column = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .positiveIntegerOrUndefined */ .Ff)(span.column_start);
    const endColumn = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .positiveIntegerOrUndefined */ .Ff)(span.column_end);
    return {
        file: (0,_report_paths_js__WEBPACK_IMPORTED_MODULE_2__/* .reportPath */ .e)(fileName, context),
        line,
        ...(endLine !== undefined && endLine >= line && { endLine }),
        ...(column !== undefined && { column }),
        ...(endColumn !== undefined && { endColumn }),
    };
}
function isOutside(span, context) {
    const fileName = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(span.file_name) ?? '';
    if (fileName.startsWith('<'))
        return true;
    const relative = (0,_report_paths_js__WEBPACK_IMPORTED_MODULE_2__/* .reportPath */ .e)(fileName, context);
    return relative.startsWith('/') || /^[A-Za-z]:\//.test(relative) || relative.startsWith('../');
}


/***/ })

};

//# sourceMappingURL=63.index.js.map