export const id = 139;
export const ids = [139];
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

/***/ 7139:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   parseEslint: () => (/* binding */ parseEslint)
/* harmony export */ });
/* harmony import */ var _model_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9766);
/* harmony import */ var _core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5793);
/* harmony import */ var _report_paths_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2296);
/* harmony import */ var _core_reports_text_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1916);
/* harmony import */ var _core_url_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(38);





/**
 * ESLint's `json` formatter (an array of lint results) or `json-with-metadata` ({results,
 * metadata}). Severity 2 is an error and 1 a warning; fatal messages (parse errors, with no rule)
 * are errors whatever their severity. Suppressed messages are not findings, as in ESLint's counts.
 * Only json-with-metadata names each rule's documentation (metadata.rulesMeta[rule].docs.url).
 */
async function parseEslint(source, context) {
    const report = await (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .readJsonReport */ .N4)(source, 'ESLint');
    const results = Array.isArray(report)
        ? report
        : (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(report) && Array.isArray(report.results)
            ? report.results
            : undefined;
    if (results === undefined) {
        throw new _model_js__WEBPACK_IMPORTED_MODULE_0__/* .ReportError */ .$g(source.origin, 'is not ESLint JSON output: expected an array of results (eslint -f json) or {"results": [...]} (eslint -f json-with-metadata).');
    }
    const ruleUrls = new RuleDocumentation((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(report) ? report.metadata : undefined);
    const findings = [];
    const malformed = (where, expected) => new _model_js__WEBPACK_IMPORTED_MODULE_0__/* .ReportError */ .$g(source.origin, `is not ESLint JSON output: ${where} ${expected}, as eslint -f json writes it.`);
    for (const [index, result] of results.entries()) {
        const where = `result ${index + 1}`;
        if (!(0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(result))
            throw malformed(where, 'must be an object with filePath and messages');
        if (result.filePath !== undefined && typeof result.filePath !== 'string') {
            throw malformed(`${where}'s filePath`, 'must be a string');
        }
        if (result.messages !== undefined && !Array.isArray(result.messages)) {
            throw malformed(`${where}'s messages`, 'must be an array of messages');
        }
        for (const [at, message] of (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .arrayOrEmpty */ .cX)(result.messages).entries()) {
            if (!(0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(message)) {
                throw malformed(`message ${at + 1} of ${where}`, 'must be an object with severity and message');
            }
            if (message.severity !== undefined && ![0, 1, 2].includes(message.severity)) {
                throw malformed(`message ${at + 1} of ${where}`, 'must have severity 0, 1 or 2');
            }
        }
        const filePath = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(result.filePath);
        const file = filePath === undefined ? undefined : (0,_report_paths_js__WEBPACK_IMPORTED_MODULE_2__/* .reportPath */ .e)(filePath, context);
        for (const message of (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .arrayOrEmpty */ .cX)(result.messages)) {
            const finding = toFinding(message, file, ruleUrls);
            if (finding)
                findings.push(finding);
        }
    }
    return { findings };
}
/**
 * Rule documentation links from json-with-metadata. Not shape-checked like the results: a bad
 * link costs only the link, not the findings.
 */
class RuleDocumentation {
    rulesMeta;
    constructor(metadata) {
        this.rulesMeta = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)(metadata)?.rulesMeta) ?? {};
    }
    url(rule) {
        // Own keys only: a rule id such as "constructor" must not reach Object.prototype.
        if (rule === undefined || !Object.hasOwn(this.rulesMeta, rule))
            return undefined;
        const docs = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)(this.rulesMeta[rule])?.docs);
        return (0,_core_url_js__WEBPACK_IMPORTED_MODULE_4__/* .reportLinkOrUndefined */ .qr)(docs?.url);
    }
}
function toFinding(message, file, ruleUrls) {
    const fatal = message.fatal === true;
    const severity = fatal || message.severity === 2 ? 'error' : message.severity === 1 ? 'warning' : undefined;
    if (severity === undefined)
        return undefined;
    const rule = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(message.ruleId);
    const line = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .positiveIntegerOrUndefined */ .Ff)(message.line);
    const column = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .positiveIntegerOrUndefined */ .Ff)(message.column);
    const endLine = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .positiveIntegerOrUndefined */ .Ff)(message.endLine);
    const endColumn = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .positiveIntegerOrUndefined */ .Ff)(message.endColumn);
    const ruleUrl = ruleUrls.url(rule);
    return {
        source: 'eslint',
        ...(rule !== undefined && { rule }),
        ...(ruleUrl !== undefined && { ruleUrl }),
        severity,
        message: (0,_core_reports_text_js__WEBPACK_IMPORTED_MODULE_3__/* .capText */ .yA)((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(message.message) ?? 'ESLint problem'),
        ...(file !== undefined && { file }),
        ...(line !== undefined && {
            line,
            ...(endLine !== undefined && endLine >= line && { endLine }),
            ...(column !== undefined && { column }),
            ...(endColumn !== undefined && { endColumn }),
        }),
    };
}


/***/ })

};

//# sourceMappingURL=139.index.js.map