export const id = 668;
export const ids = [668];
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

/***/ 1668:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  parseGoTestJson: () => (/* binding */ parseGoTestJson)
});

// EXTERNAL MODULE: ./src/quality-gate/model.ts
var model = __webpack_require__(9766);
// EXTERNAL MODULE: ./src/core/reports/json.ts
var json = __webpack_require__(5793);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __webpack_require__(7975);
// EXTERNAL MODULE: ./src/core/reports/source.ts
var reports_source = __webpack_require__(8114);
;// CONCATENATED MODULE: ./src/core/reports/lines.ts


/** No line of a JSON-lines report needs more; longer ones are cut as they arrive. */
const MAX_LINE_CHARS = 1024 * 1024;
/**
 * Reads a report line by line from its stream, so that a report of any size (`go test -json`
 * of a big repository runs to hundreds of MB) needs memory for one line at a time, never for
 * the whole file. A line longer than `maxLineChars` is kept only up to that length. Lines are
 * handed to a plain callback rather than yielded: a million-line report would otherwise spend
 * most of its time switching between promises.
 */
async function readReportLines(source, onLine, maxLineChars = MAX_LINE_CHARS) {
    const decoder = new external_node_util_.TextDecoder('utf-8');
    let pending = '';
    let truncated = false;
    let number = 0;
    let first = true;
    // The caller's own errors pass through as they are; only reading problems are reworded.
    let thrownByCallback;
    const emit = (text) => {
        number += 1;
        let line = text;
        if (line.length > maxLineChars) {
            line = line.slice(0, maxLineChars);
            truncated = true;
        }
        if (line.endsWith('\r'))
            line = line.slice(0, -1);
        const wasTruncated = truncated;
        truncated = false;
        try {
            onLine({ number, text: line, truncated: wasTruncated });
        }
        catch (error) {
            thrownByCallback = error;
            throw error;
        }
    };
    const stream = source.open();
    try {
        for await (const chunk of stream) {
            let text = decoder.decode(chunk, { stream: true });
            if (first && text !== '') {
                first = false;
                if (text.charCodeAt(0) === 0xfeff)
                    text = text.slice(1);
            }
            let start = 0;
            for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
                const piece = text.slice(start, end);
                start = end + 1;
                emit(truncated ? pending : pending + piece);
                pending = '';
            }
            if (!truncated)
                pending += text.slice(start);
            if (pending.length > maxLineChars) {
                pending = pending.slice(0, maxLineChars);
                truncated = true;
            }
        }
        pending += decoder.decode();
    }
    catch (error) {
        if (error instanceof reports_source/* ReportError */.$g || error === thrownByCallback)
            throw error;
        throw new reports_source/* ReportError */.$g(source.origin, `could not be read: ${error.message}`);
    }
    finally {
        stream.destroy();
    }
    if (pending !== '')
        emit(pending);
}

// EXTERNAL MODULE: ./src/core/reports/text.ts
var reports_text = __webpack_require__(1916);
// EXTERNAL MODULE: ./src/core/reports/xml-stream.ts
var xml_stream = __webpack_require__(515);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/core/reports/paths.ts
var paths = __webpack_require__(6739);
;// CONCATENATED MODULE: ./src/quality-gate/parsers/go-modules.ts



/**
 * Finds go.work or go.mod in the directory `go test` ran in, or the nearest parent up to the
 * workspace (go test may run in a package directory below the module root). A go.work lists
 * several modules; a go.mod is one. Nothing found means no package is mapped.
 */
async function findGoModules(workspace, directory) {
    const modules = await loadModules((0,external_node_path_.resolve)(workspace), (0,external_node_path_.resolve)(directory ?? workspace));
    // Longest module path first, so that a nested module wins over the one that contains it.
    modules.sort((a, b) => b.path.length - a.path.length);
    return {
        fileOf(importPath, fileName) {
            const module = modules.find((candidate) => importPath === candidate.path || importPath.startsWith(`${candidate.path}/`));
            if (module === undefined)
                return undefined;
            const below = importPath.slice(module.path.length + 1);
            const file = external_node_path_.posix.join(toPosix(module.directory), below, fileName);
            return (0,paths/* toRepositoryPath */.Bd)(file, workspace);
        },
    };
}
async function loadModules(workspace, start) {
    const inside = start === workspace || start.startsWith(`${workspace.replace(/[\\/]+$/, '')}/`);
    for (let directory = start;; directory = (0,external_node_path_.dirname)(directory)) {
        const work = await readOptional((0,external_node_path_.join)(directory, 'go.work'));
        if (work !== undefined)
            return workspaceModules(directory, work);
        const mod = await readOptional((0,external_node_path_.join)(directory, 'go.mod'));
        if (mod !== undefined) {
            const path = modulePath(mod);
            return path === undefined ? [] : [{ path, directory }];
        }
        // Never look above the repository: a go.mod there belongs to something else.
        if (!inside || directory === workspace || (0,external_node_path_.dirname)(directory) === directory)
            return [];
    }
}
async function workspaceModules(directory, goWork) {
    const modules = [];
    for (const use of useDirectives(goWork)) {
        const moduleDirectory = (0,external_node_path_.resolve)(directory, use);
        const mod = await readOptional((0,external_node_path_.join)(moduleDirectory, 'go.mod'));
        const path = mod === undefined ? undefined : modulePath(mod);
        if (path !== undefined)
            modules.push({ path, directory: moduleDirectory });
    }
    return modules;
}
/** The module path of a go.mod: `module example.com/app` (possibly quoted). */
function modulePath(goMod) {
    const match = /^\s*module\s+("?)([^\s"]+)\1\s*$/m.exec(withoutComments(goMod));
    return match?.[2];
}
/** The directories a go.work uses: `use ./a` and `use ( ./a ./b )`. */
function useDirectives(goWork) {
    const text = withoutComments(goWork);
    const directories = [];
    for (const block of text.matchAll(/^\s*use\s*\(([^)]*)\)/gm))
        directories.push(...block[1].split(/\s+/).filter((entry) => entry !== ''));
    for (const single of text.matchAll(/^\s*use\s+([^\s(]+)\s*$/gm))
        directories.push(single[1]);
    return directories.map((entry) => entry.replace(/^"(.*)"$/, '$1'));
}
function withoutComments(text) {
    return text.replace(/\/\/[^\n]*/g, '');
}
async function readOptional(path) {
    try {
        return await (0,promises_.readFile)(path, 'utf8');
    }
    catch {
        return undefined;
    }
}
function toPosix(path) {
    return path.replace(/\\/g, '/');
}

// EXTERNAL MODULE: ./src/quality-gate/parsers/test-tally.ts
var test_tally = __webpack_require__(5801);
;// CONCATENATED MODULE: ./src/quality-gate/parsers/go-test-json.ts







/**
 * `go test -json` (test2json events, one JSON object a line), read as a stream so that the
 * report of a big repository never sits in memory whole.
 *
 * Counting follows `go test -v`: every test go prints a "--- PASS/FAIL/SKIP" line for counts,
 * subtests ("TestSub/negative") and their parents alike, as gotestsum does too. A failed subtest
 * therefore fails its parent as well; the parent's message names the subtests that failed.
 * Benchmark results ("bench") are not tests. A package that fails with no failing test of its
 * own (it did not build, TestMain or init failed, the binary exited) counts as one failed case
 * named after what happened, so that it can never pass silently; a test that was still running
 * when its package ended (panic, os.Exit, timeout) or when the report ended counts as failed.
 *
 * Text that is not JSON is read for build failures and otherwise ignored: go < 1.24 prints
 * "FAIL pkg [build failed]" as text on stdout and the compiler's errors on stderr (in the report
 * when stderr is merged into it); go ≥ 1.24 reports both as JSON (build-output, FailedBuild).
 */
const FORMAT = 'go test -json';
async function parseGoTestJson(source, context) {
    const reader = new GoTestReader(await findGoModules(context.workspace, context.directory), source.origin);
    await readReportLines(source, (line) => reader.read(line));
    return { findings: [], tests: reader.finish() };
}
/** Lines that only frame a test's output: go's own headers and result lines. */
const FRAMING = /^\s*(?:=== (?:RUN|PAUSE|CONT|NAME)\b|--- (?:PASS|FAIL|SKIP|BENCH):|(?:PASS|FAIL)\s*$)/;
/** "    calc_test.go:12: got 3": go prints the file relative to the package directory. */
const TEST_FILE_LINE = /^\s+([\w.+-]+_test\.go):(\d+): /;
/** Go's package result lines, e.g. "FAIL\texample.com/app/calc [build failed]". */
const PACKAGE_NOT_BUILT = /^FAIL\s+(\S+)\s+\[(build failed|setup failed)\]\s*$/;
/** Go's header above a package's build errors: "# example.com/app/calc [example.com/app/calc.test]". */
const BUILD_HEADER = /^# (\S+)/;
/** Enough for the packages of a monorepo; more build outputs are not kept. */
const MAX_BUILD_OUTPUTS = 200;
const MAX_LISTED_SUBTESTS = 5;
class GoTestReader {
    modules;
    origin;
    tally = new test_tally/* TestTally */.$d();
    running = new Map();
    /**
     * Failed tests kept as notable, until their package ends. Go ≥ 1.20 reports a parent of
     * parallel subtests (t.Run + t.Parallel) before the subtests it waited for.
     */
    failedParents = new Map();
    packages = new Map();
    /** Build output by import path (JSON build-output, or "# pkg" blocks of merged stderr). */
    buildOutputs = new Map();
    reportedBuildFailures = new Set();
    textBlock;
    events = 0;
    constructor(modules, origin) {
        this.modules = modules;
        this.origin = origin;
    }
    read(line) {
        const event = this.parse(line);
        if (event === undefined) {
            this.readText(line.text);
            return;
        }
        this.events += 1;
        const action = event.Action;
        const importPath = event.ImportPath;
        if (importPath !== undefined && action === 'build-output') {
            this.buildOutputOf(importPath)?.append(event.Output ?? '');
            return;
        }
        const packagePath = event.Package ?? '';
        const test = event.Test;
        if (test === undefined || test === '')
            this.packageEvent(packagePath, action, event);
        else
            this.testEvent(packagePath, test, action, event);
    }
    finish() {
        for (const open of [...this.running.values()]) {
            this.finishTest(open, 'failed', undefined, 'the report ended before this test finished');
        }
        if (this.events === 0 && this.reportedBuildFailures.size === 0) {
            throw new model/* ReportError */.$g(this.origin, `has no ${FORMAT} events: run go test with -json, and check that go could build the packages (it prints build errors to stderr).`);
        }
        return this.tally.results();
    }
    parse(line) {
        const text = line.text.trim();
        if (!text.startsWith('{'))
            return undefined;
        const fail = (problem) => {
            throw new model/* ReportError */.$g(this.origin, `is not ${FORMAT} output: line ${line.number}: ${problem}, as go test -json writes it.`);
        };
        if (line.truncated)
            fail('the line is too long to be a test event');
        let value;
        try {
            value = JSON.parse(text);
        }
        catch (error) {
            return fail(`not valid JSON (${error.message})`);
        }
        if (!(0,json/* isObject */.Gv)(value))
            return fail('not a JSON object');
        if (typeof value.Action !== 'string')
            fail('Action must be a string');
        const problem = (0,json/* shapeProblem */.jn)(value.Package, 'string', 'Package') ??
            (0,json/* shapeProblem */.jn)(value.Test, 'string', 'Test') ??
            (0,json/* shapeProblem */.jn)(value.Output, 'string', 'Output') ??
            (0,json/* shapeProblem */.jn)(value.Elapsed, 'number', 'Elapsed') ??
            (0,json/* shapeProblem */.jn)(value.ImportPath, 'string', 'ImportPath') ??
            (0,json/* shapeProblem */.jn)(value.FailedBuild, 'string', 'FailedBuild');
        if (problem !== undefined)
            fail(problem);
        return value;
    }
    /** Text between the events: go's build errors when stderr is merged into the report. */
    readText(text) {
        const notBuilt = PACKAGE_NOT_BUILT.exec(text);
        if (notBuilt !== null) {
            this.textBlock = undefined;
            this.buildFailure(notBuilt[1], notBuilt[2], this.buildOutputs.get(notBuilt[1]));
            return;
        }
        const header = BUILD_HEADER.exec(text);
        if (header !== null)
            this.textBlock = this.buildOutputOf(header[1]);
        this.textBlock?.append(`${text}\n`);
    }
    testEvent(packagePath, name, action, event) {
        const key = `${packagePath}\u0000${name}`;
        this.packageOf(packagePath);
        if (action === 'run') {
            this.running.set(key, this.openTest(packagePath, name));
            return;
        }
        if (action === 'output') {
            let open = this.running.get(key);
            if (open === undefined) {
                // Benchmarks print "--- FAIL: BenchmarkX" without a "run" event first.
                open = this.openTest(packagePath, name);
                this.running.set(key, open);
            }
            this.appendOutput(open, event.Output ?? '');
            return;
        }
        if (action !== 'pass' && action !== 'fail' && action !== 'skip')
            return;
        const open = this.running.get(key) ?? this.openTest(packagePath, name);
        this.running.delete(key);
        const outcome = action === 'pass' ? 'passed' : action === 'fail' ? 'failed' : 'skipped';
        this.finishTest(open, outcome, event.Elapsed);
    }
    packageEvent(packagePath, action, event) {
        if (action === 'output') {
            const output = event.Output ?? '';
            const notBuilt = PACKAGE_NOT_BUILT.exec(output.trimEnd());
            if (notBuilt === null)
                this.packageOf(packagePath).output.append(output);
            else
                this.packageOf(packagePath).notBuilt = notBuilt[2];
            return;
        }
        if (action !== 'pass' && action !== 'fail' && action !== 'skip')
            return;
        const open = this.packageOf(packagePath);
        this.packages.delete(packagePath);
        for (const [key, test] of this.failedParents)
            if (test.packagePath === packagePath)
                this.failedParents.delete(key);
        const failed = action === 'fail';
        const unfinished = [...this.running.values()].filter((test) => test.packagePath === packagePath);
        for (const test of unfinished) {
            this.running.delete(`${packagePath}\u0000${test.name}`);
            // go's "ok" is its verdict on the package; a missing result then is a gap in the stream.
            if (!failed)
                this.finishTest(test, 'passed');
            else
                this.finishTest(test, 'failed', undefined, 'the test binary stopped while this test ran (panic, os.Exit or timeout)', open.output.value());
        }
        if (!failed)
            return;
        const failedBuild = event.FailedBuild;
        if (failedBuild !== undefined) {
            this.buildFailure(packagePath, 'build failed', this.buildOutputs.get(failedBuild));
        }
        else if (open.notBuilt !== undefined) {
            this.buildFailure(packagePath, open.notBuilt, this.buildOutputs.get(packagePath));
        }
        else if (open.failedTests === 0 && unfinished.length === 0) {
            this.packageFailure(packagePath, open.output.value());
        }
    }
    openTest(packagePath, name) {
        return {
            packagePath,
            name,
            output: new xml_stream/* CappedText */.RJ(),
            failedSubtests: [],
            failedSubtestCount: 0,
        };
    }
    packageOf(packagePath) {
        let open = this.packages.get(packagePath);
        if (open === undefined) {
            open = { output: new xml_stream/* CappedText */.RJ(), failedTests: 0 };
            this.packages.set(packagePath, open);
        }
        return open;
    }
    buildOutputOf(importPath) {
        let output = this.buildOutputs.get(importPath);
        if (output === undefined && this.buildOutputs.size < MAX_BUILD_OUTPUTS) {
            output = new xml_stream/* CappedText */.RJ();
            this.buildOutputs.set(importPath, output);
        }
        return output;
    }
    appendOutput(open, output) {
        if (FRAMING.test(output))
            return;
        if (open.location === undefined) {
            const found = TEST_FILE_LINE.exec(output);
            if (found !== null) {
                open.location = { fileName: (0,xml_stream/* ownCopy */.Sf)(found[1]), line: Number.parseInt(found[2], 10) };
            }
        }
        open.output.append(output);
    }
    finishTest(open, outcome, elapsed, why, packageOutput) {
        if (outcome === 'failed') {
            const packageState = this.packages.get(open.packagePath);
            if (packageState !== undefined)
                packageState.failedTests += 1;
            if (open.name.includes('/')) {
                const parentKey = `${open.packagePath}\u0000${open.name.slice(0, open.name.lastIndexOf('/'))}`;
                const parent = this.running.get(parentKey) ?? this.failedParents.get(parentKey);
                if (parent !== undefined)
                    failedSubtest(parent, open.name);
            }
        }
        const durationMs = elapsed === undefined ? undefined : Math.round(elapsed * 1000);
        this.tally.add(outcome, durationMs, () => {
            const output = open.output.value();
            const details = [output, packageOutput ?? ''].filter((text) => text !== '').join('\n');
            const ownMessage = why ?? firstLine(output);
            const message = ownMessage ??
                (open.failedSubtestCount > 0
                    ? subtestsMessage(open.failedSubtests, open.failedSubtestCount)
                    : undefined);
            const described = {
                suite: (0,xml_stream/* ownCopy */.Sf)(open.packagePath),
                classname: (0,xml_stream/* ownCopy */.Sf)(open.packagePath),
                name: (0,xml_stream/* ownCopy */.Sf)(open.name),
                outcome,
            };
            if (durationMs !== undefined)
                described.durationMs = durationMs;
            if (message !== undefined)
                described.message = (0,reports_text/* capText */.yA)(message, reports_text/* MAX_MESSAGE_CHARS */.hP);
            if (details !== '')
                described.details = details;
            const file = open.location && this.modules.fileOf(open.packagePath, open.location.fileName);
            if (file !== undefined && open.location !== undefined) {
                described.file = (0,xml_stream/* ownCopy */.Sf)(file);
                described.line = open.location.line;
            }
            if (outcome === 'failed' && ownMessage === undefined) {
                // Its message may yet come from subtests that finish after it.
                open.failedCase = described;
                this.failedParents.set(`${open.packagePath}\u0000${open.name}`, open);
            }
            return described;
        });
    }
    buildFailure(packagePath, what, output) {
        if (this.reportedBuildFailures.has(packagePath))
            return;
        this.reportedBuildFailures.add(packagePath);
        const text = output?.value() ?? '';
        const message = text !== ''
            ? text
            : `${what}; go printed the errors to stderr (merge it into the report with 2>&1 to see them here)`;
        this.tally.add('failed', undefined, () => ({
            suite: (0,xml_stream/* ownCopy */.Sf)(packagePath),
            classname: (0,xml_stream/* ownCopy */.Sf)(packagePath),
            name: `[${what}]`,
            outcome: 'failed',
            message: (0,reports_text/* capText */.yA)(message, reports_text/* MAX_MESSAGE_CHARS */.hP),
            ...(text !== '' && { details: text }),
        }));
    }
    packageFailure(packagePath, output) {
        const meaningful = output
            .split('\n')
            .filter((line) => !/^(?:FAIL|ok|PASS)\b/.test(line.trim()))
            .join('\n')
            .trim();
        this.tally.add('failed', undefined, () => ({
            suite: (0,xml_stream/* ownCopy */.Sf)(packagePath),
            classname: (0,xml_stream/* ownCopy */.Sf)(packagePath),
            name: '[package failed]',
            outcome: 'failed',
            message: (0,reports_text/* capText */.yA)(firstLine(meaningful) ??
                'the test binary failed without a failing test (TestMain, init or os.Exit)', reports_text/* MAX_MESSAGE_CHARS */.hP),
            ...(output !== '' && { details: output }),
        }));
    }
}
function firstLine(text) {
    return text
        .split('\n')
        .map((line) => line.trim())
        .find((line) => line !== '');
}
/** Counts a failed subtest for its parent, and updates the parent's case when it has one. */
function failedSubtest(parent, name) {
    parent.failedSubtestCount += 1;
    if (parent.failedSubtests.length < MAX_LISTED_SUBTESTS)
        parent.failedSubtests.push(name);
    if (parent.failedCase !== undefined) {
        parent.failedCase.message = (0,reports_text/* capText */.yA)(subtestsMessage(parent.failedSubtests, parent.failedSubtestCount), reports_text/* MAX_MESSAGE_CHARS */.hP);
    }
}
function subtestsMessage(names, count) {
    const listed = names.join(', ');
    const more = count > names.length ? ` and ${count - names.length} more` : '';
    return `subtests failed: ${listed}${more}`;
}


/***/ })

};

//# sourceMappingURL=668.index.js.map