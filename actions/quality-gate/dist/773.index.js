export const id = 773;
export const ids = [773];
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

/***/ 3773:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   parseSarif: () => (/* binding */ parseSarif)
/* harmony export */ });
/* harmony import */ var _model_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9766);
/* harmony import */ var _core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5793);
/* harmony import */ var _core_reports_paths_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6739);
/* harmony import */ var _core_reports_text_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1916);
/* harmony import */ var _core_url_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(38);
/* harmony import */ var _report_paths_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(2296);






/**
 * SARIF 2.1.0 logs (CodeQL, ESLint's SARIF formatter, clippy-sarif, Semgrep...). A result's level
 * is resolved the way the standard says (§3.27.10): results of a kind other than "fail" have no
 * level and are dropped; otherwise the result's own level, else the invocation's override, else
 * the rule's default configuration, else "warning". Accepted suppressions drop a result, as code
 * scanning does. Tool notifications of level "error" (ESLint puts parse errors there) are findings.
 * A result links its rule's documentation when the rule's helpUri is an http(s) URL.
 */
async function parseSarif(source, context) {
    const log = await (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .readJsonReport */ .N4)(source, 'SARIF');
    if (!(0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(log) || !Array.isArray(log.runs)) {
        throw new _model_js__WEBPACK_IMPORTED_MODULE_0__/* .ReportError */ .$g(source.origin, 'is not a SARIF log: there is no "runs" array.');
    }
    if (log.version !== '2.1.0') {
        const found = log.version === undefined ? 'no version' : `version ${JSON.stringify(log.version)}`;
        throw new _model_js__WEBPACK_IMPORTED_MODULE_0__/* .ReportError */ .$g(source.origin, `is a SARIF log with ${found}; only SARIF 2.1.0 is read.`);
    }
    const problem = shapeErrors(log.runs);
    if (problem !== undefined) {
        throw new _model_js__WEBPACK_IMPORTED_MODULE_0__/* .ReportError */ .$g(source.origin, `is not a SARIF 2.1.0 log: ${problem}.`);
    }
    const findings = [];
    for (const run of log.runs) {
        if ((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(run))
            findings.push(...parseRun(run, context));
    }
    return { findings };
}
/** The first field of a run's results this parser reads that has the wrong type, and where. */
function shapeErrors(runs) {
    for (const [index, run] of runs.entries()) {
        const where = `runs[${index}]`;
        if (!(0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(run))
            return `${where} must be an object`;
        const problem = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(run.tool, 'object', `${where}.tool`) ??
            (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(run.results, 'array', `${where}.results`) ??
            (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(run.invocations, 'array', `${where}.invocations`) ??
            (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(run.artifacts, 'array', `${where}.artifacts`);
        if (problem !== undefined)
            return problem;
        for (const [at, result] of (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .arrayOrEmpty */ .cX)(run.results).entries()) {
            const problem = resultProblem(result, `${where}.results[${at}]`);
            if (problem !== undefined)
                return problem;
        }
    }
    return undefined;
}
function resultProblem(result, where) {
    if (!(0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(result))
        return `${where} must be an object`;
    const first = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(result.ruleId, 'string', `${where}.ruleId`) ??
        (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(result.level, 'string', `${where}.level`) ??
        (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(result.kind, 'string', `${where}.kind`) ??
        (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(result.message, 'object', `${where}.message`) ??
        (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(result.rule, 'object', `${where}.rule`) ??
        (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(result.locations, 'array', `${where}.locations`) ??
        (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(result.suppressions, 'array', `${where}.suppressions`);
    if (first !== undefined)
        return first;
    const location = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .arrayOrEmpty */ .cX)(result.locations)[0];
    const at = `${where}.locations[0]`;
    if (location === undefined)
        return undefined;
    if (!(0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(location))
        return `${at} must be an object`;
    const physical = location.physicalLocation;
    const problem = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(physical, 'object', `${at}.physicalLocation`);
    if (problem !== undefined || !(0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(physical))
        return problem;
    const { artifactLocation, region } = physical;
    return ((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(artifactLocation, 'object', `${at}.physicalLocation.artifactLocation`) ??
        ((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(artifactLocation)
            ? (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(artifactLocation.uri, 'string', `${at}.physicalLocation.artifactLocation.uri`)
            : undefined) ??
        (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(region, 'object', `${at}.physicalLocation.region`) ??
        ((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(region)
            ? ((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(region.startLine, 'number', `${at}.physicalLocation.region.startLine`) ??
                (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .shapeProblem */ .jn)(region.startColumn, 'number', `${at}.physicalLocation.region.startColumn`))
            : undefined));
}
const LEVELS = {
    error: 'error',
    warning: 'warning',
    note: 'notice',
    none: undefined,
};
function parseRun(run, context) {
    const tool = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)(run.tool);
    const driver = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)(tool?.driver) ?? {};
    const extensions = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .arrayOrEmpty */ .cX)(tool?.extensions).filter(_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv);
    const rules = new RuleCatalogue(driver, extensions);
    const locator = new Locator(run, context);
    const overrides = levelOverrides(run, rules);
    const sourceName = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(driver.name) ?? 'sarif';
    const findings = [];
    for (const result of (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .arrayOrEmpty */ .cX)(run.results)) {
        if (!(0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(result))
            continue;
        const kind = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(result.kind) ?? 'fail';
        if (kind !== 'fail' || isSuppressed(result))
            continue;
        const rule = rules.find(result);
        const ruleId = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(result.ruleId) ??
            (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)(result.rule)?.id) ??
            (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(rule?.id);
        const level = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(result.level) ??
            (rule ? overrides.get(rule) : undefined) ??
            (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)(rule?.defaultConfiguration)?.level) ??
            'warning';
        const severity = LEVELS[level];
        if (severity === undefined)
            continue;
        // Not shape-checked like the fields above: a bad link costs only the link, not the findings.
        const ruleUrl = (0,_core_url_js__WEBPACK_IMPORTED_MODULE_4__/* .reportLinkOrUndefined */ .qr)(rule?.helpUri);
        findings.push({
            source: sourceName,
            ...(ruleId !== undefined && { rule: ruleId }),
            ...(ruleUrl !== undefined && { ruleUrl }),
            severity,
            message: (0,_core_reports_text_js__WEBPACK_IMPORTED_MODULE_3__/* .capText */ .yA)(messageText(result.message, rule) ?? ruleId ?? 'SARIF result'),
            ...locator.locate((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .arrayOrEmpty */ .cX)(result.locations)[0]),
        });
    }
    for (const invocation of (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .arrayOrEmpty */ .cX)(run.invocations).filter(_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)) {
        const notifications = [
            ...(0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .arrayOrEmpty */ .cX)(invocation.toolExecutionNotifications),
            ...(0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .arrayOrEmpty */ .cX)(invocation.toolConfigurationNotifications),
        ];
        for (const notification of notifications) {
            if (!(0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(notification) || notification.level !== 'error')
                continue;
            const ruleId = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)(notification.descriptor)?.id);
            findings.push({
                source: sourceName,
                ...(ruleId !== undefined && { rule: ruleId }),
                severity: 'error',
                message: (0,_core_reports_text_js__WEBPACK_IMPORTED_MODULE_3__/* .capText */ .yA)(messageText(notification.message, undefined) ?? 'Tool notification'),
                ...locator.locate((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .arrayOrEmpty */ .cX)(notification.locations)[0]),
            });
        }
    }
    return findings;
}
/** Suppressed unless some suppression is still under review or was rejected (§3.27.23, §3.35.3). */
function isSuppressed(result) {
    const suppressions = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .arrayOrEmpty */ .cX)(result.suppressions).filter(_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv);
    if (suppressions.length === 0)
        return false;
    return suppressions.every((suppression) => {
        const status = suppression.status;
        return status === undefined || status === 'accepted';
    });
}
class RuleCatalogue {
    components;
    constructor(driver, extensions) {
        this.components = [driver, ...extensions];
    }
    /** The rule a result refers to: by reference, by index into its component, or by id. */
    find(result) {
        const reference = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)(result.rule);
        const componentIndex = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)(reference?.toolComponent)?.index;
        // toolComponent.index counts extensions only; the driver is the default component.
        const component = typeof componentIndex === 'number' ? this.components[componentIndex + 1] : this.components[0];
        const index = reference?.index ?? result.ruleIndex;
        if (typeof index === 'number' && index >= 0 && component) {
            const byIndex = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .arrayOrEmpty */ .cX)(component.rules)[index];
            if ((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(byIndex))
                return byIndex;
        }
        const id = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(reference?.id) ?? (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(result.ruleId);
        return id === undefined ? undefined : this.byId(id);
    }
    byId(id) {
        // Hierarchical ids ("CA2101/1") fall back to their parent rule.
        const candidates = id.includes('/') ? [id, id.slice(0, id.indexOf('/'))] : [id];
        for (const candidate of candidates) {
            for (const component of this.components) {
                const rule = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .arrayOrEmpty */ .cX)(component.rules).find((entry) => (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(entry) && entry.id === candidate);
                if ((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(rule))
                    return rule;
            }
        }
        return undefined;
    }
}
/** Levels set per rule for this run by invocations[].ruleConfigurationOverrides. */
function levelOverrides(run, rules) {
    const overrides = new Map();
    for (const invocation of (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .arrayOrEmpty */ .cX)(run.invocations).filter(_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)) {
        for (const override of (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .arrayOrEmpty */ .cX)(invocation.ruleConfigurationOverrides).filter(_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)) {
            const level = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)(override.configuration)?.level);
            const descriptor = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)(override.descriptor);
            if (level === undefined || descriptor === undefined)
                continue;
            const rule = rules.find({ rule: descriptor });
            if (rule)
                overrides.set(rule, level);
        }
    }
    return overrides;
}
/** message.text, or the rule's messageStrings[message.id], with {0}-style arguments filled in. */
function messageText(message, rule) {
    if (!(0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .isObject */ .Gv)(message))
        return undefined;
    const args = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .arrayOrEmpty */ .cX)(message.arguments).map((argument) => String(argument));
    const direct = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(message.text) ?? (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(message.markdown);
    if (direct !== undefined)
        return fillPlaceholders(direct, args);
    const id = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(message.id);
    if (id === undefined)
        return undefined;
    const template = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)(rule?.messageStrings)?.[id]);
    const text = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(template?.text) ?? (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(template?.markdown);
    return text === undefined ? undefined : fillPlaceholders(text, args);
}
function fillPlaceholders(template, args) {
    return template.replace(/\{\{|\}\}|\{(\d+)\}/g, (match, index) => {
        if (match === '{{')
            return '{';
        if (match === '}}')
            return '}';
        return args[Number(index)] ?? match;
    });
}
class Locator {
    context;
    artifacts;
    baseIds;
    constructor(run, context) {
        this.context = context;
        this.artifacts = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .arrayOrEmpty */ .cX)(run.artifacts);
        this.baseIds = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)(run.originalUriBaseIds) ?? {};
    }
    locate(location) {
        const physical = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)(location)?.physicalLocation);
        if (!physical)
            return {};
        const file = this.file((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)(physical.artifactLocation));
        const region = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)(physical.region);
        const line = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .positiveIntegerOrUndefined */ .Ff)(region?.startLine);
        if (line === undefined)
            return file === undefined ? {} : { file };
        const endLine = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .positiveIntegerOrUndefined */ .Ff)(region?.endLine);
        const column = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .positiveIntegerOrUndefined */ .Ff)(region?.startColumn);
        const endColumn = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .positiveIntegerOrUndefined */ .Ff)(region?.endColumn);
        return {
            ...(file !== undefined && { file }),
            line,
            ...(endLine !== undefined && endLine >= line && { endLine }),
            ...(column !== undefined && { column }),
            ...(endColumn !== undefined && { endColumn }),
        };
    }
    file(artifactLocation) {
        if (!artifactLocation)
            return undefined;
        let uri = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(artifactLocation.uri);
        let baseId = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(artifactLocation.uriBaseId);
        if (uri === undefined && typeof artifactLocation.index === 'number') {
            const listed = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)((0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)(this.artifacts[artifactLocation.index])?.location);
            uri = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(listed?.uri);
            baseId = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(listed?.uriBaseId);
        }
        if (uri === undefined)
            return undefined;
        const resolved = this.resolve(uri, baseId, 0);
        return (0,_report_paths_js__WEBPACK_IMPORTED_MODULE_5__/* .reportPath */ .e)(resolved, this.context);
    }
    /**
     * A relative uri under a uriBaseId that originalUriBaseIds maps to a file:// URI becomes an
     * absolute path; an unknown base (e.g. %SRCROOT% left undefined) means "the repository root".
     */
    resolve(uri, baseId, depth) {
        if ((0,_core_reports_paths_js__WEBPACK_IMPORTED_MODULE_2__/* .isFileUri */ .hh)(uri))
            return (0,_core_reports_paths_js__WEBPACK_IMPORTED_MODULE_2__/* .fileUriToPath */ .rj)(uri);
        if (/^[a-z][a-z0-9+.-]*:/i.test(uri) && !/^[a-z]:[\\/]/i.test(uri))
            return uri;
        const base = baseId === undefined || depth > 8 ? undefined : (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .objectOrUndefined */ .XD)(this.baseIds[baseId]);
        const baseUri = (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(base?.uri);
        if (baseUri === undefined)
            return (0,_core_reports_paths_js__WEBPACK_IMPORTED_MODULE_2__/* .safeDecode */ .ex)(uri);
        const resolvedBase = this.resolve(baseUri, (0,_core_reports_json_js__WEBPACK_IMPORTED_MODULE_1__/* .stringOrUndefined */ .j)(base?.uriBaseId), depth + 1);
        const separator = resolvedBase === '' || resolvedBase.endsWith('/') ? '' : '/';
        return `${resolvedBase}${separator}${(0,_core_reports_paths_js__WEBPACK_IMPORTED_MODULE_2__/* .safeDecode */ .ex)(uri)}`;
    }
}


/***/ })

};

//# sourceMappingURL=773.index.js.map