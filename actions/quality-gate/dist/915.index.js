export const id = 915;
export const ids = [915];
export const modules = {

/***/ 2915:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   parseCheckstyle: () => (/* binding */ parseCheckstyle)
/* harmony export */ });
/* harmony import */ var _report_paths_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2296);
/* harmony import */ var _core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(515);


/**
 * Checkstyle XML: `<checkstyle><file name><error line column severity message source/>`.
 * Written by Checkstyle itself and by many other linters (shellcheck -f checkstyle, eslint's
 * checkstyle formatter, hadolint...).
 */
/**
 * Checkstyle's own default severity is error, so a missing one counts as an error. Unknown
 * values are kept as warnings rather than dropped, so a tool's odd severity is still seen.
 */
const SEVERITIES = {
    error: 'error',
    warning: 'warning',
    info: 'notice',
    ignore: 'dropped',
};
/**
 * Tools that write checkstyle XML name themselves in the `source` prefix. Findings from them are
 * attributed to the tool, with the prefix taken off the rule; anything else is "checkstyle".
 */
const TOOL_PREFIXES = [
    { prefix: 'ShellCheck.', tool: 'shellcheck' },
    { prefix: 'eslint.rules.', tool: 'eslint' },
];
async function parseCheckstyle(source, context) {
    const findings = [];
    let file;
    await (0,_core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_1__/* .readXmlReport */ ._u)(source, { origin: context.origin, formatName: 'Checkstyle', roots: ['checkstyle'] }, {
        open({ name, attributes }) {
            if (name === 'file') {
                file = attributes.name ? (0,_core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_1__/* .ownCopy */ .Sf)((0,_report_paths_js__WEBPACK_IMPORTED_MODULE_0__/* .reportPath */ .e)(attributes.name, context)) : undefined;
            }
            else if (name === 'error') {
                const finding = toFinding(attributes, file);
                if (finding !== undefined)
                    findings.push(finding);
            }
        },
        close(name) {
            if (name === 'file')
                file = undefined;
        },
        text() { },
    });
    return { findings };
}
function toFinding(attributes, file) {
    const severity = SEVERITIES[attributes.severity ?? 'error'] ?? 'warning';
    if (severity === 'dropped')
        return undefined;
    const { tool, rule } = attribute(attributes.source);
    const message = new _core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_1__/* .CappedText */ .RJ();
    message.append(attributes.message ?? '');
    const finding = { source: tool, severity, message: message.value() };
    if (rule)
        finding.rule = (0,_core_reports_xml_stream_js__WEBPACK_IMPORTED_MODULE_1__/* .ownCopy */ .Sf)(rule);
    if (file !== undefined)
        finding.file = file;
    const line = positiveInteger(attributes.line);
    if (line !== undefined)
        finding.line = line;
    const column = positiveInteger(attributes.column);
    if (column !== undefined && line !== undefined)
        finding.column = column;
    return finding;
}
function attribute(source) {
    if (source === undefined)
        return { tool: 'checkstyle' };
    const known = TOOL_PREFIXES.find(({ prefix }) => source.startsWith(prefix));
    if (known === undefined)
        return { tool: 'checkstyle', rule: source };
    return { tool: known.tool, rule: source.slice(known.prefix.length) };
}
function positiveInteger(value) {
    if (value === undefined || !/^\s*\d+\s*$/.test(value))
        return undefined;
    const number = Number.parseInt(value, 10);
    return number > 0 ? number : undefined;
}


/***/ })

};

//# sourceMappingURL=915.index.js.map