export const id = 478;
export const ids = [478];
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

/***/ 6478:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   cvssBaseScore: () => (/* binding */ cvssBaseScore),
/* harmony export */   parseCargoAudit: () => (/* binding */ parseCargoAudit),
/* harmony export */   severityFromCvss: () => (/* binding */ severityFromCvss)
/* harmony export */ });
/* harmony import */ var ae_cvss_calculator__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4353);
/* harmony import */ var ae_cvss_calculator__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(ae_cvss_calculator__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _model_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9766);
/* harmony import */ var _core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(5793);
/* harmony import */ var _core_reports_text_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1916);




/**
 * `cargo audit --json` (the rustsec `Report`): each entry of vulnerabilities.list is a
 * vulnerability, its severity computed from the advisory's CVSS vector; informational warnings
 * (unmaintained, unsound, yanked, notice) become notices on Cargo.lock, since the report has no
 * source locations.
 */
async function parseCargoAudit(source, _context) {
    const report = await (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .readJsonReport */ .N4)(source, 'cargo audit');
    const list = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .isObject */ .Gv)(report) ? (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .objectOrUndefined */ .XD)(report.vulnerabilities)?.list : undefined;
    if (!(0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .isObject */ .Gv)(report) || !Array.isArray(list)) {
        throw new _model_js__WEBPACK_IMPORTED_MODULE_1__/* .ReportError */ .$g(source.origin, 'is not `cargo audit --json` output: there is no "vulnerabilities.list" array.');
    }
    const problem = shapeErrors(report, list);
    if (problem !== undefined) {
        throw new _model_js__WEBPACK_IMPORTED_MODULE_1__/* .ReportError */ .$g(source.origin, `is not \`cargo audit --json\` output: ${problem}, as cargo audit writes it.`);
    }
    const vulnerabilities = list.filter(_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .isObject */ .Gv).map(toVulnerability);
    const counts = { info: 0, low: 0, moderate: 0, high: 0, critical: 0 };
    for (const vulnerability of vulnerabilities)
        counts[vulnerability.severity] += 1;
    const findings = [];
    const warnings = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .objectOrUndefined */ .XD)(report.warnings) ?? {};
    for (const [kind, entries] of Object.entries(warnings)) {
        for (const warning of (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .arrayOrEmpty */ .cX)(entries).filter(_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .isObject */ .Gv)) {
            findings.push(warningFinding((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .stringOrUndefined */ .j)(warning.kind) ?? kind, warning));
        }
    }
    return { findings, audit: { counts, vulnerabilities } };
}
/** The first field this parser reads that has the wrong type, with where it is. */
function shapeErrors(report, list) {
    for (const [index, entry] of list.entries()) {
        const problem = entryProblem(entry, `vulnerabilities.list[${index}]`);
        if (problem !== undefined)
            return problem;
    }
    const warnings = report.warnings;
    const problem = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .shapeProblem */ .jn)(warnings, 'object', 'warnings');
    if (problem !== undefined || !(0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .isObject */ .Gv)(warnings))
        return problem;
    for (const [kind, entries] of Object.entries(warnings)) {
        const where = `warnings[${JSON.stringify(kind)}]`;
        const listProblem = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .shapeProblem */ .jn)(entries, 'array', where);
        if (listProblem !== undefined)
            return listProblem;
        for (const [index, warning] of (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .arrayOrEmpty */ .cX)(entries).entries()) {
            const warningProblem = entryProblem(warning, `${where}[${index}]`) ??
                (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .shapeProblem */ .jn)(warning.kind, 'string', `${where}[${index}].kind`);
            if (warningProblem !== undefined)
                return warningProblem;
        }
    }
    return undefined;
}
/** A vulnerability or warning: an object with an optional advisory and package. */
function entryProblem(entry, where) {
    if (!(0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .isObject */ .Gv)(entry))
        return `${where} must be an object`;
    const { advisory, package: pkg } = entry;
    return ((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .shapeProblem */ .jn)(advisory, 'object', `${where}.advisory`) ??
        (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .shapeProblem */ .jn)(pkg, 'object', `${where}.package`) ??
        ((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .isObject */ .Gv)(advisory)
            ? ((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .shapeProblem */ .jn)(advisory.id, 'string', `${where}.advisory.id`) ??
                (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .shapeProblem */ .jn)(advisory.title, 'string', `${where}.advisory.title`) ??
                (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .shapeProblem */ .jn)(advisory.url, 'string', `${where}.advisory.url`) ??
                (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .shapeProblem */ .jn)(advisory.package, 'string', `${where}.advisory.package`) ??
                (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .shapeProblem */ .jn)(advisory.cvss, 'string', `${where}.advisory.cvss`))
            : undefined) ??
        ((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .isObject */ .Gv)(pkg)
            ? ((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .shapeProblem */ .jn)(pkg.name, 'string', `${where}.package.name`) ??
                (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .shapeProblem */ .jn)(pkg.version, 'string', `${where}.package.version`))
            : undefined));
}
function toVulnerability(entry) {
    const advisory = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .objectOrUndefined */ .XD)(entry.advisory) ?? {};
    const pkg = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .objectOrUndefined */ .XD)(entry.package) ?? {};
    const id = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .stringOrUndefined */ .j)(advisory.id) ?? 'unknown advisory';
    const name = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .stringOrUndefined */ .j)(pkg.name) ?? (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .stringOrUndefined */ .j)(advisory.package) ?? 'unknown crate';
    const version = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .stringOrUndefined */ .j)(pkg.version);
    const url = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .stringOrUndefined */ .j)(advisory.url) ?? advisoryPage(id);
    return {
        id,
        package: name,
        ...(version !== undefined && { version }),
        severity: severityFromCvss(advisory.cvss),
        title: (0,_core_reports_text_js__WEBPACK_IMPORTED_MODULE_3__/* .capText */ .yA)((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .stringOrUndefined */ .j)(advisory.title) ?? id),
        ...(url !== undefined && { url }),
    };
}
function advisoryPage(id) {
    return /^RUSTSEC-\d{4}-\d{4}$/.test(id) ? `https://rustsec.org/advisories/${id}.html` : undefined;
}
/**
 * The qualitative rating of the CVSS base score (FIRST's v3.1 table: 0.1-3.9 low, 4.0-6.9
 * medium, 7.0-8.9 high, 9.0-10.0 critical; "medium" is called "moderate" here, as npm does; a
 * score of 0.0, "none", is info). Many RustSec advisories carry no CVSS vector: those, and
 * vectors that cannot be scored, count as moderate, so that the default `fail-on-audit: high`
 * does not fail on them while `moderate` does.
 */
function severityFromCvss(vector) {
    const score = typeof vector === 'string' ? cvssBaseScore(vector) : undefined;
    if (score === undefined)
        return 'moderate';
    if (score === 0)
        return 'info';
    if (score < 4)
        return 'low';
    if (score < 7)
        return 'moderate';
    if (score < 9)
        return 'high';
    return 'critical';
}
// The package is a UMD bundle marked __esModule: Node's ESM loader puts its exports under
// `default`, while ncc's bundler exposes them directly. Take whichever holds the calculator, and
// fail loudly at load time rather than scoring every advisory as "unknown".
const cvss = typeof ae_cvss_calculator__WEBPACK_IMPORTED_MODULE_0__.fromVector === 'function'
    ? ae_cvss_calculator__WEBPACK_IMPORTED_MODULE_0__
    : (ae_cvss_calculator__WEBPACK_IMPORTED_MODULE_0___default());
if (typeof cvss?.fromVector !== 'function') {
    throw new Error('ae-cvss-calculator did not load: fromVector is missing.');
}
/** The base score of a CVSS v2, v3.0, v3.1 or v4.0 vector; undefined when it cannot be scored. */
function cvssBaseScore(vector) {
    let scores;
    try {
        scores = cvss.fromVector(vector.trim())?.calculateScores();
    }
    catch {
        return undefined;
    }
    const base = scores?.base;
    return typeof base === 'number' && Number.isFinite(base) && base >= 0 && base <= 10
        ? base
        : undefined;
}
function warningFinding(kind, warning) {
    const pkg = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .objectOrUndefined */ .XD)(warning.package) ?? {};
    const advisory = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .objectOrUndefined */ .XD)(warning.advisory);
    const crate = [(0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .stringOrUndefined */ .j)(pkg.name) ?? 'a crate', (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .stringOrUndefined */ .j)(pkg.version)]
        .filter((part) => part !== undefined)
        .join(' ');
    const id = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .stringOrUndefined */ .j)(advisory?.id);
    const title = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_2__/* .stringOrUndefined */ .j)(advisory?.title);
    const what = kind === 'yanked' ? 'is yanked' : kind === 'notice' ? 'has a notice' : `is ${kind}`;
    const about = [title, id && `(${id})`].filter(Boolean).join(' ');
    return {
        source: 'cargo-audit',
        rule: id ?? kind,
        severity: 'notice',
        message: (0,_core_reports_text_js__WEBPACK_IMPORTED_MODULE_3__/* .capText */ .yA)(`${crate} ${what}${about === '' ? '' : `: ${about}`}`),
        file: 'Cargo.lock',
    };
}


/***/ })

};

//# sourceMappingURL=478.index.js.map