export const id = 731;
export const ids = [731];
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

/***/ 2731:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   parseNpmAudit: () => (/* binding */ parseNpmAudit)
/* harmony export */ });
/* harmony import */ var _model_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9766);
/* harmony import */ var _core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5793);
/* harmony import */ var _core_reports_text_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1916);



const SEVERITIES = ['info', 'low', 'moderate', 'high', 'critical'];
/**
 * `npm audit --json` from npm 7 or later (auditReportVersion 2). npm exits 1 both when it finds
 * vulnerabilities and when the audit itself fails, so the JSON's shape decides: an {"error"}
 * object is a failed audit, never a clean one. Counts are npm's own (metadata.vulnerabilities,
 * one per vulnerable package, including packages vulnerable only through a dependency); the
 * vulnerability list holds the advisories, each once.
 */
async function parseNpmAudit(source, _context) {
    const report = await (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .readJsonReport */ .N4)(source, 'npm audit');
    if (!(0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(report)) {
        throw new _model_js__WEBPACK_IMPORTED_MODULE_0__/* .ReportError */ .$g(source.origin, 'is not `npm audit --json` output: expected an object.');
    }
    if (report.error !== undefined)
        throw auditFailed(source.origin, report);
    if (report.auditReportVersion !== 2) {
        const v1 = report.advisories !== undefined || report.auditReportVersion === 1;
        throw new _model_js__WEBPACK_IMPORTED_MODULE_0__/* .ReportError */ .$g(source.origin, v1
            ? 'is an npm 6 audit report (version 1, with "advisories"); run `npm audit --json` with npm 7 or later, which writes report version 2.'
            : `is not \`npm audit --json\` report version 2 (auditReportVersion is ${JSON.stringify(report.auditReportVersion ?? null)}).`);
    }
    const entries = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)(report.vulnerabilities);
    if (!entries) {
        throw new _model_js__WEBPACK_IMPORTED_MODULE_0__/* .ReportError */ .$g(source.origin, 'is an npm audit report without a "vulnerabilities" object.');
    }
    const problem = shapeErrors(report, entries);
    if (problem !== undefined) {
        throw new _model_js__WEBPACK_IMPORTED_MODULE_0__/* .ReportError */ .$g(source.origin, `is not \`npm audit --json\` output: ${problem}.`);
    }
    const packages = Object.values(entries).filter(_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv);
    return {
        findings: [],
        audit: {
            counts: countsFrom((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)(report.metadata)?.vulnerabilities), packages),
            vulnerabilities: advisories(packages),
        },
    };
}
/** The first field this parser reads that has the wrong type, with where it is. */
function shapeErrors(report, entries) {
    const metadata = report.metadata;
    const first = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(metadata, 'object', 'metadata') ??
        ((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(metadata)
            ? (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(metadata.vulnerabilities, 'object', 'metadata.vulnerabilities')
            : undefined);
    if (first !== undefined)
        return first;
    for (const [name, entry] of Object.entries(entries)) {
        const where = `vulnerabilities[${JSON.stringify(name)}]`;
        if (!(0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(entry))
            return `${where} must be an object`;
        const problem = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(entry.name, 'string', `${where}.name`) ??
            (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(entry.severity, 'string', `${where}.severity`) ??
            (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(entry.via, 'array', `${where}.via`);
        if (problem !== undefined)
            return problem;
        for (const [at, via] of (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .arrayOrEmpty */ .cX)(entry.via).entries()) {
            const viaWhere = `${where}.via[${at}]`;
            if (typeof via === 'string')
                continue;
            if (!(0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(via))
                return `${viaWhere} must be a string or an object`;
            const viaProblem = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(via.title, 'string', `${viaWhere}.title`) ??
                (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(via.url, 'string', `${viaWhere}.url`) ??
                (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(via.name, 'string', `${viaWhere}.name`) ??
                (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(via.severity, 'string', `${viaWhere}.severity`);
            if (viaProblem !== undefined)
                return viaProblem;
        }
    }
    return undefined;
}
function auditFailed(origin, report) {
    const error = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)(report.error) ?? {};
    const code = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(error.code);
    const summary = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(error.summary)?.trim() || undefined;
    // A failed request to the audit endpoint puts the HTTP error in "message" and leaves the
    // error's summary empty.
    const message = summary ?? (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(report.message)?.trim() ?? 'no details given';
    return new _model_js__WEBPACK_IMPORTED_MODULE_0__/* .ReportError */ .$g(origin, (0,_core_reports_text_js__WEBPACK_IMPORTED_MODULE_2__/* .capText */ .yA)(`npm audit failed${code === undefined ? '' : ` with ${code}`}: ${message}`));
}
function countsFrom(metadata, packages) {
    const counts = { info: 0, low: 0, moderate: 0, high: 0, critical: 0 };
    if (metadata && SEVERITIES.every((severity) => isCount(metadata[severity]))) {
        for (const severity of SEVERITIES)
            counts[severity] = metadata[severity];
        return counts;
    }
    // Without metadata, count the way npm does: one per vulnerable package, at its severity.
    for (const entry of packages)
        counts[severityOf(entry.severity)] += 1;
    return counts;
}
function isCount(value) {
    return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
function severityOf(value) {
    return SEVERITIES.find((severity) => severity === value) ?? 'moderate';
}
/** The advisory objects in the entries' "via" lists, once each (strings point at other entries). */
function advisories(packages) {
    const byId = new Map();
    for (const entry of packages) {
        for (const via of (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .arrayOrEmpty */ .cX)(entry.via)) {
            if (!(0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(via))
                continue;
            const url = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(via.url);
            const source = typeof via.source === 'number' || typeof via.source === 'string'
                ? String(via.source)
                : undefined;
            const ghsa = url === undefined ? undefined : /GHSA(-[23456789cfghjmpqrvwx]{4}){3}/i.exec(url)?.[0];
            const key = source ?? ghsa ?? url ?? (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(via.title);
            if (key === undefined || byId.has(key))
                continue;
            const name = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(via.name) ??
                (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(via.dependency) ??
                (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(entry.name);
            byId.set(key, {
                id: ghsa ?? source ?? key,
                package: name ?? 'unknown package',
                severity: severityOf(via.severity),
                title: (0,_core_reports_text_js__WEBPACK_IMPORTED_MODULE_2__/* .capText */ .yA)((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(via.title) ?? 'npm advisory'),
                ...(url !== undefined && { url }),
            });
        }
    }
    return [...byId.values()];
}


/***/ })

};

//# sourceMappingURL=731.index.js.map