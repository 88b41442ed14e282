export const id = 485;
export const ids = [485];
export const modules = {

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

/***/ 9485:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   parseRustfmt: () => (/* binding */ parseRustfmt)
/* harmony export */ });
/* harmony import */ var _model_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9766);
/* harmony import */ var _report_paths_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2296);
/* harmony import */ var _core_reports_source_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8114);
/* harmony import */ var _core_reports_text_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1916);




/**
 * `cargo fmt --all -- --check` output on stable Rust, where the text diff is the only output:
 * `Diff in <path>:<line>:` headers (older rustfmt: `Diff in <path> at line <n>:`), then context
 * (" "), removed ("-") and added ("+") lines. One error per file that needs formatting, at the
 * first line that differs; the hunk count and the diff itself go with it. The file names alone,
 * as `--check -l` prints them, are read too.
 */
async function parseRustfmt(source, context) {
    const text = (0,_core_reports_text_js__WEBPACK_IMPORTED_MODULE_3__/* .stripAnsi */ .aJ)(await source.readText(_core_reports_source_js__WEBPACK_IMPORTED_MODULE_2__/* .MAX_TEXT_REPORT_BYTES */ .gz));
    const files = new Map();
    const fileFor = (path) => {
        const file = (0,_report_paths_js__WEBPACK_IMPORTED_MODULE_1__/* .reportPath */ .e)(path, context);
        let entry = files.get(file);
        if (!entry) {
            entry = { file, hunks: 0, newlineStyle: false, diff: [], diffChars: 0 };
            files.set(file, entry);
        }
        return entry;
    };
    let hunk;
    let unrecognised = 0;
    for (const line of text.split(/\r?\n/)) {
        const header = parseHeader(line);
        if (header) {
            const entry = fileFor(header.path);
            entry.hunks += 1;
            hunk = { entry, headerLine: header.line, contextBefore: 0, changed: false };
            entry.diff.push(line);
            continue;
        }
        const newlineStyle = /^Incorrect newline style in (.+?)\s*$/.exec(line);
        if (newlineStyle) {
            fileFor(newlineStyle[1]).newlineStyle = true;
            hunk = undefined;
            continue;
        }
        if (hunk && /^[ +-]/.test(line)) {
            addDiffLine(hunk, line);
            continue;
        }
        if (line.trim() === '')
            continue;
        if (/^\S.*\.rs$/.test(line.trim())) {
            fileFor(line.trim());
            hunk = undefined;
            continue;
        }
        unrecognised += 1;
    }
    if (files.size === 0 && unrecognised > 0) {
        throw new _model_js__WEBPACK_IMPORTED_MODULE_0__/* .ReportError */ .$g(source.origin, 'is not `cargo fmt -- --check` output: no "Diff in <file>" headers or file names were found.');
    }
    return { findings: [...files.values()].map(toFinding) };
}
function parseHeader(line) {
    const current = /^Diff in (.+):(\d+):\s*$/.exec(line);
    const older = current ? undefined : /^Diff in (.+) at line (\d+):\s*$/.exec(line);
    const match = current ?? older;
    if (!match)
        return undefined;
    return { path: match[1], line: Number(match[2]) };
}
function addDiffLine(hunk, line) {
    const { entry } = hunk;
    if (entry.diffChars <= _core_reports_text_js__WEBPACK_IMPORTED_MODULE_3__/* .MAX_DETAILS_CHARS */ .OL) {
        entry.diff.push(line);
        entry.diffChars += line.length + 1;
    }
    if (hunk.changed)
        return;
    if (line.startsWith(' ')) {
        hunk.contextBefore += 1;
        return;
    }
    // The header names the hunk's first line, which is context; the change starts after it.
    hunk.changed = true;
    const firstChanged = hunk.headerLine + hunk.contextBefore;
    entry.firstLine = Math.min(entry.firstLine ?? firstChanged, firstChanged);
}
function toFinding(entry) {
    const reasons = [];
    if (entry.hunks > 0)
        reasons.push(`${entry.hunks} ${entry.hunks === 1 ? 'hunk' : 'hunks'}`);
    if (entry.newlineStyle)
        reasons.push('incorrect newline style');
    const why = reasons.length > 0 ? ` (${reasons.join(', ')})` : '';
    const details = entry.diff.join('\n');
    return {
        source: 'rustfmt',
        rule: 'rustfmt',
        severity: 'error',
        message: `File is not formatted: run cargo fmt${why}`,
        ...(details !== '' && { details: (0,_core_reports_text_js__WEBPACK_IMPORTED_MODULE_3__/* .capText */ .yA)(details, _core_reports_text_js__WEBPACK_IMPORTED_MODULE_3__/* .MAX_DETAILS_CHARS */ .OL) }),
        file: entry.file,
        ...(entry.firstLine !== undefined && { line: entry.firstLine }),
    };
}


/***/ })

};

//# sourceMappingURL=485.index.js.map