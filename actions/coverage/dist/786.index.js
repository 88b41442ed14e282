export const id = 786;
export const ids = [786];
export const modules = {

/***/ 1983:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   aj: () => (/* binding */ httpRequest),
/* harmony export */   j$: () => (/* binding */ HttpError)
/* harmony export */ });
/* unused harmony exports HTTP_DEFAULTS, HttpTimeoutError, HttpNetworkError, moveUserinfoToHeader, redactUrl, parseRetryAfter */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8838);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4296);
/* harmony import */ var _retry_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7253);
/* harmony import */ var _secrets_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8198);




const HTTP_DEFAULTS = {
    timeoutMs: 30_000,
    maxResponseBytes: 10 * 1024 * 1024,
    retry: { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 15_000, deadlineMs: 120_000 },
};
/** Enough of an error body to recognise the server's explanation without flooding the log. */
const EXCERPT_CHARS = 300;
const ERROR_BODY_BYTES = 64 * 1024;
class HttpError extends _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ {
    method;
    /** Without userinfo, fragment or query values. */
    url;
    /** Undefined when no response came back (network failure, timeout). */
    status;
    bodyExcerpt;
    /** From a Retry-After header. */
    retryAfterMs;
    /** The message without the method and URL in front. */
    problem;
    constructor(fields, options) {
        super((0,_secrets_js__WEBPACK_IMPORTED_MODULE_2__/* .maskSecrets */ .QU)(`${fields.method} ${fields.url} ${fields.problem}`), fields.hint ?? hintFor(fields.status), options);
        this.method = fields.method;
        this.url = fields.url;
        this.status = fields.status;
        this.bodyExcerpt =
            fields.bodyExcerpt === undefined ? undefined : (0,_secrets_js__WEBPACK_IMPORTED_MODULE_2__/* .maskSecrets */ .QU)(fields.bodyExcerpt);
        this.retryAfterMs = fields.retryAfterMs;
        this.problem = (0,_secrets_js__WEBPACK_IMPORTED_MODULE_2__/* .maskSecrets */ .QU)(fields.problem);
    }
}
/** A per-attempt timeout; named like AbortSignal.timeout's error so isTransient retries it. */
class HttpTimeoutError extends Error {
    timeoutMs;
    constructor(timeoutMs) {
        super(`no complete response within the ${timeoutMs}ms timeout`);
        this.timeoutMs = timeoutMs;
        this.name = 'TimeoutError';
    }
}
/** A network failure with the system error code kept, so retry predicates can read it. */
class HttpNetworkError extends Error {
    code;
    constructor(message, code, options) {
        super(message, options);
        this.code = code;
        this.name = 'HttpNetworkError';
    }
}
async function httpRequest(options) {
    const method = (options.method ?? 'GET').toUpperCase();
    const headers = new Headers(options.headers);
    const url = moveUserinfoToHeader(new URL(options.url), headers);
    const shownUrl = redactUrl(url);
    const body = encodeBody(options.body, headers);
    const timeoutMs = options.timeoutMs ?? HTTP_DEFAULTS.timeoutMs;
    const maxResponseBytes = options.maxResponseBytes ?? HTTP_DEFAULTS.maxResponseBytes;
    const target = { method, url, shownUrl, headers, body, maxResponseBytes };
    try {
        return await (0,_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .retry */ .L5)(({ remainingMs }) => attemptOnce(target, Math.max(1, Math.min(timeoutMs, remainingMs)), options.signal), {
            ...HTTP_DEFAULTS.retry,
            requestedDelayMs: (error) => error instanceof HttpError && error.status === 503 ? error.retryAfterMs : undefined,
            onRetry: (event) => {
                const error = event.error instanceof HttpError ? event.error.problem : event.error;
                _actions_core__WEBPACK_IMPORTED_MODULE_3__/* .info */ .pq((0,_secrets_js__WEBPACK_IMPORTED_MODULE_2__/* .maskSecrets */ .QU)(`${method} ${shownUrl}: ${(0,_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .formatRetry */ .eI)({ ...event, error })}`));
            },
            ...options.retry,
            signal: options.signal,
        });
    }
    catch (error) {
        if (options.signal?.aborted)
            throw error;
        if (error instanceof HttpError)
            throw error;
        if (error instanceof _retry_js__WEBPACK_IMPORTED_MODULE_1__/* .RetryError */ .J_) {
            const last = error.lastError;
            const givingUp = (0,_retry_js__WEBPACK_IMPORTED_MODULE_1__/* .describeGivingUp */ .dF)(error.attempts, error.elapsedMs, error.stoppedBecause);
            const problem = last instanceof HttpError ? last.problem : `failed: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .describeThrown */ .YI)(last)}`;
            throw new HttpError({
                method,
                url: shownUrl,
                status: last instanceof HttpError ? last.status : undefined,
                bodyExcerpt: last instanceof HttpError ? last.bodyExcerpt : undefined,
                problem: `${problem}; ${givingUp}`,
                hint: last instanceof HttpError ? last.hint : UNAVAILABLE_HINT,
            }, { cause: error });
        }
        throw new HttpError({ method, url: shownUrl, problem: `failed: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .describeThrown */ .YI)(error)}` }, { cause: error });
    }
}
async function attemptOnce(target, timeoutMs, cancel) {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = cancel ? AbortSignal.any([cancel, timeout]) : timeout;
    let response;
    let body;
    try {
        response = await fetch(target.url, {
            method: target.method,
            headers: target.headers,
            body: target.body,
            signal,
        });
        const ok = response.status >= 200 && response.status <= 299;
        body = ok
            ? await readBody(response, target.maxResponseBytes, target)
            : await readBody(response, Math.min(ERROR_BODY_BYTES, target.maxResponseBytes));
    }
    catch (error) {
        if (cancel?.aborted)
            throw cancel.reason;
        if (timeout.aborted)
            throw new HttpTimeoutError(timeoutMs);
        throw describeNetworkFailure(error);
    }
    if (response.status < 200 || response.status > 299) {
        throw new HttpError({
            method: target.method,
            url: target.shownUrl,
            status: response.status,
            bodyExcerpt: excerpt(body),
            retryAfterMs: parseRetryAfter(response.headers.get('retry-after')),
            problem: `returned ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${body.length > 0 ? `: ${excerpt(body)}` : ''}`,
        });
    }
    const { status, headers } = response;
    return {
        status,
        headers,
        body,
        text: () => body.toString('utf8'),
        json: () => {
            try {
                return JSON.parse(body.toString('utf8'));
            }
            catch (error) {
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .ActionError */ .lZ((0,_secrets_js__WEBPACK_IMPORTED_MODULE_2__/* .maskSecrets */ .QU)(`${target.method} ${target.shownUrl} returned a body that is not JSON (${(0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .describeThrown */ .YI)(error)}): ${excerpt(body)}`));
            }
        },
    };
}
/**
 * Reads at most `limit` bytes. With `tooLarge` a longer body fails the request; without it (error
 * responses, which we only quote) the rest is dropped.
 */
async function readBody(response, limit, tooLarge) {
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (tooLarge && declared > limit) {
        await response.body?.cancel();
        throw responseTooLarge(tooLarge, limit, `it declares ${declared} bytes`);
    }
    const chunks = [];
    let total = 0;
    if (!response.body)
        return Buffer.alloc(0);
    for await (const chunk of response.body) {
        const room = limit - total;
        if (chunk.byteLength > room) {
            // Leaving the loop cancels the stream, so the rest is never downloaded.
            if (tooLarge)
                throw responseTooLarge(tooLarge, limit, `it exceeded that after ${total + chunk.byteLength} bytes`);
            chunks.push(chunk.subarray(0, room));
            total = limit;
            break;
        }
        chunks.push(chunk);
        total += chunk.byteLength;
    }
    return Buffer.concat(chunks, total);
}
function responseTooLarge(target, limit, detail) {
    return new HttpError({
        method: target.method,
        url: target.shownUrl,
        problem: `returned a response larger than the ${limit}-byte limit (maxResponseBytes): ${detail}`,
        hint: 'Check that the URL points at the resource you meant; it is far larger than expected.',
    });
}
const NETWORK_PROBLEMS = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset by the server',
    ETIMEDOUT: 'connection timed out',
    EAI_AGAIN: 'DNS lookup failed for now',
    ENOTFOUND: 'host name not found',
    EPIPE: 'connection closed while sending',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    UND_ERR_SOCKET: 'connection closed by the server',
    UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
    UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
    UND_ERR_BODY_TIMEOUT: 'response body stalled',
};
/** fetch says only "fetch failed"; the reason is in its cause. */
function describeNetworkFailure(error) {
    if (!(error instanceof TypeError) || error.cause === undefined)
        return error;
    const cause = error.cause;
    const first = error.cause instanceof AggregateError ? error.cause.errors[0] : {};
    const code = [cause.code, first?.code].find((c) => typeof c === 'string');
    const problem = (code && NETWORK_PROBLEMS[code]) ?? (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .describeThrown */ .YI)(cause);
    return new HttpNetworkError(code ? `${problem} (${code})` : problem, code, { cause: error });
}
function hintFor(status) {
    if (status === 401 || status === 403)
        return 'Check that the credentials are set and allowed to do this.';
    if (status === 404)
        return 'Check the URL and that the resource exists.';
    if (status !== undefined && status >= 500)
        return UNAVAILABLE_HINT;
    return undefined;
}
const UNAVAILABLE_HINT = 'The server may be unavailable; re-run the job later.';
/** fetch refuses URLs with credentials; sending them as basic auth is what curl and users expect. */
function moveUserinfoToHeader(url, headers) {
    if (!url.username && !url.password)
        return url;
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    const token = Buffer.from(`${user}:${password}`).toString('base64');
    (0,_secrets_js__WEBPACK_IMPORTED_MODULE_2__/* .registerSecret */ .cl)(password);
    (0,_secrets_js__WEBPACK_IMPORTED_MODULE_2__/* .registerSecret */ .cl)(token);
    if (!headers.has('authorization'))
        headers.set('authorization', `Basic ${token}`);
    const bare = new URL(url);
    bare.username = '';
    bare.password = '';
    return bare;
}
/** Query values often carry tokens or signatures; their names are enough to debug with. */
function redactUrl(url) {
    const shown = new URL(url);
    shown.username = '';
    shown.password = '';
    shown.hash = '';
    const names = [...new Set(shown.searchParams.keys())];
    shown.search = '';
    const query = names.map((name) => `${encodeURIComponent(name)}=***`).join('&');
    return query ? `${shown.href}?${query}` : shown.href;
}
function encodeBody(body, headers) {
    if (body === undefined || typeof body === 'string' || body instanceof Uint8Array)
        return body;
    if (!headers.has('content-type'))
        headers.set('content-type', 'application/json');
    return JSON.stringify(body);
}
function excerpt(body) {
    const text = body.toString('utf8').replace(/\s+/g, ' ').trim();
    const chars = Array.from(text);
    return chars.length > EXCERPT_CHARS ? `${chars.slice(0, EXCERPT_CHARS).join('')}…` : text;
}
/** Retry-After is either delta-seconds or an HTTP date (RFC 9110, section 10.2.3). */
function parseRetryAfter(value, now = Date.now()) {
    if (value === null)
        return undefined;
    const trimmed = value.trim();
    if (/^\d+$/.test(trimmed))
        return Number(trimmed) * 1_000;
    // Date.parse reads a lone number such as "-5" as a year; an HTTP date always names its day.
    if (!/[a-z]/i.test(trimmed))
        return undefined;
    const date = Date.parse(trimmed);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}


/***/ }),

/***/ 7786:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   downloadBaselineArtifact: () => (/* binding */ downloadBaselineArtifact)
/* harmony export */ });
/* unused harmony exports MAX_ARTIFACT_ZIP_BYTES, MAX_ENTRY_BYTES, extractResult */
/* harmony import */ var node_zlib__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8522);
/* harmony import */ var node_zlib__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_zlib__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var fflate__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1306);
/* harmony import */ var _core_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4296);
/* harmony import */ var _core_http_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1983);
/**
 * Fetches the baseline a previous run on the default branch left as a workflow artifact: the
 * newest unexpired artifact of that name from a run on that branch, downloaded through the
 * GitHub API and unzipped in memory.
 */




/** A result JSON is kilobytes; anything near these sizes is not one. */
const MAX_ARTIFACT_ZIP_BYTES = 50 * 1024 * 1024;
const MAX_ENTRY_BYTES = 10 * 1024 * 1024;
const MAX_PAGES = 10;
const PREFERRED_FILE = 'coverage-result.json';
const PERMISSION_HINT = 'Give the job `permissions: actions: read` (and pass github-token), and check the artifact name.';
async function downloadBaselineArtifact(octokit, request) {
    const { owner, repo, name, branch } = request;
    if (!branch) {
        return {
            reason: `the repository's default branch is unknown (the event payload names none), so no run can be picked as the baseline.`,
        };
    }
    const candidates = await listArtifacts(octokit, request);
    const live = candidates.filter((artifact) => artifact.name === name && !artifact.expired);
    const onBranch = live.filter((artifact) => artifact.workflow_run?.head_branch === branch);
    const newest = onBranch.sort((a, b) => newer(b, a))[0];
    if (!newest) {
        const expired = candidates.length - live.length;
        const elsewhere = live.length - onBranch.length;
        const notes = [
            expired > 0 ? `${expired} expired` : '',
            elsewhere > 0 ? `${elsewhere} from other branches` : '',
        ].filter(Boolean);
        return {
            reason: `no artifact named '${name}' from a run on ${branch}` +
                `${notes.length > 0 ? ` (${notes.join(', ')})` : ''}; a first run on ${branch} uploads one.`,
        };
    }
    const artifact = {
        id: newest.id,
        name: newest.name,
        createdAt: newest.created_at,
        branch: newest.workflow_run?.head_branch,
        headSha: newest.workflow_run?.head_sha,
        runId: newest.workflow_run?.id,
    };
    if (newest.size_in_bytes > MAX_ARTIFACT_ZIP_BYTES) {
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(`Artifact '${name}' (id ${newest.id}) is ${newest.size_in_bytes} bytes, more than the ${MAX_ARTIFACT_ZIP_BYTES}-byte limit for a baseline.`, 'Upload only the result JSON as the baseline artifact.');
    }
    const zip = await downloadZip(octokit, owner, repo, newest.id, request.retry);
    const { fileName, bytes } = extractResult(zip, `artifact '${name}' (id ${newest.id})`);
    return { text: decodeUtf8(bytes, `${fileName} in artifact '${name}'`), artifact, fileName };
}
async function listArtifacts(octokit, { owner, repo, name }) {
    const found = [];
    let pages = 0;
    try {
        for await (const page of octokit.paginate.iterator(octokit.rest.actions.listArtifactsForRepo, {
            owner,
            repo,
            name,
            per_page: 100,
        })) {
            found.push(...page.data);
            // GitHub lists the newest first; older pages only hold older candidates.
            if (++pages >= MAX_PAGES)
                break;
        }
    }
    catch (error) {
        throw githubError(`Listing the artifacts of ${owner}/${repo} failed`, error);
    }
    return found;
}
function newer(a, b) {
    const time = Date.parse(a.created_at ?? '') - Date.parse(b.created_at ?? '');
    return Number.isNaN(time) || time === 0 ? a.id - b.id : time;
}
async function downloadZip(octokit, owner, repo, artifactId, retry) {
    let location;
    try {
        // GitHub answers with a redirect to a short-lived storage URL. Following it ourselves keeps the
        // GitHub token off the storage host: the URL carries its own signature.
        const response = await octokit.rest.actions.downloadArtifact({
            owner,
            repo,
            artifact_id: artifactId,
            archive_format: 'zip',
            request: { redirect: 'manual' },
        });
        if (response.data instanceof ArrayBuffer)
            return new Uint8Array(response.data);
        location = response.headers.location;
    }
    catch (error) {
        throw githubError(`Downloading artifact ${artifactId} of ${owner}/${repo} failed`, error);
    }
    if (!location) {
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(`GitHub answered the download of artifact ${artifactId} without a Location to fetch it from.`);
    }
    const response = await (0,_core_http_js__WEBPACK_IMPORTED_MODULE_2__/* .httpRequest */ .aj)({
        url: location,
        maxResponseBytes: MAX_ARTIFACT_ZIP_BYTES,
        retry,
    });
    return new Uint8Array(response.body.buffer, response.body.byteOffset, response.body.byteLength);
}
function githubError(what, error) {
    const status = error.status;
    if (status === 403 || status === 404) {
        return new _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(`${what}: GitHub answered ${status} (${(0,_core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .describeThrown */ .YI)(error)}).`, PERMISSION_HINT, { cause: error });
    }
    if (status === 410) {
        return new _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(`${what}: the artifact has expired (410).`, undefined, { cause: error });
    }
    return new _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(`${what}: ${(0,_core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .describeThrown */ .YI)(error)}`, undefined, { cause: error });
}
/**
 * The one JSON file in the zip, or `coverage-result.json` among several. Entries are checked by
 * their declared size before anything is inflated, inflated into a buffer of exactly that size,
 * and then checked against their CRC, so a zip that lies about its sizes is refused instead of
 * filling memory.
 */
function extractResult(zip, origin) {
    const entries = [];
    try {
        (0,fflate__WEBPACK_IMPORTED_MODULE_3__/* .unzipSync */ .AO)(zip, {
            filter: (info) => {
                entries.push(info);
                return false;
            },
        });
    }
    catch (error) {
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(`${origin} is not a readable zip file: ${(0,_core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .describeThrown */ .YI)(error)}`);
    }
    const files = entries.filter((entry) => !entry.name.endsWith('/'));
    const json = files.filter((entry) => entry.name.toLowerCase().endsWith('.json'));
    const chosen = json.length === 1
        ? json[0]
        : json.find((entry) => entry.name.split('/').pop() === PREFERRED_FILE);
    if (!chosen) {
        const names = files.map((entry) => entry.name).join(', ') || 'no files';
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(json.length === 0
            ? `${origin} holds no JSON file (${names}).`
            : `${origin} holds ${json.length} JSON files (${names}) and none is named ${PREFERRED_FILE}.`, `Upload the coverage action's result JSON, named ${PREFERRED_FILE}, as the baseline artifact.`);
    }
    if (chosen.originalSize > MAX_ENTRY_BYTES) {
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(`${chosen.name} in ${origin} unpacks to ${chosen.originalSize} bytes, more than the ${MAX_ENTRY_BYTES}-byte limit; refusing it.`, 'A coverage result is a few kilobytes; check what the baseline job uploads.');
    }
    let bytes;
    try {
        bytes = (0,fflate__WEBPACK_IMPORTED_MODULE_3__/* .unzipSync */ .AO)(zip, { filter: (info) => info.name === chosen.name })[chosen.name];
    }
    catch (error) {
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(`${chosen.name} in ${origin} cannot be unpacked: ${(0,_core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .describeThrown */ .YI)(error)}`);
    }
    const expected = zipCrc(zip, chosen.name);
    if (!bytes ||
        bytes.length !== chosen.originalSize ||
        (expected !== undefined && (0,node_zlib__WEBPACK_IMPORTED_MODULE_0__.crc32)(bytes) !== expected)) {
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(`${chosen.name} in ${origin} is damaged: its content does not match the size and checksum the zip declares.`);
    }
    return { fileName: chosen.name, bytes };
}
/**
 * The CRC-32 the central directory records for `name`, which fflate does not check. Undefined for
 * zips it cannot read this way (ZIP64), where the size check alone applies.
 */
function zipCrc(zip, name) {
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    let end = zip.length - 22;
    while (end >= 0 && view.getUint32(end, true) !== 0x06054b50)
        end--;
    if (end < 0)
        return undefined;
    const count = view.getUint16(end + 10, true);
    let offset = view.getUint32(end + 16, true);
    const wanted = Buffer.from(name, 'utf8');
    for (let i = 0; i < count && offset + 46 <= zip.length; i++) {
        if (view.getUint32(offset, true) !== 0x02014b50)
            return undefined;
        const nameLength = view.getUint16(offset + 28, true);
        const extraLength = view.getUint16(offset + 30, true);
        const commentLength = view.getUint16(offset + 32, true);
        if (wanted.equals(zip.subarray(offset + 46, offset + 46 + nameLength))) {
            return view.getUint32(offset + 16, true);
        }
        offset += 46 + nameLength + extraLength + commentLength;
    }
    return undefined;
}
function decodeUtf8(bytes, origin) {
    try {
        return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    }
    catch {
        throw new _core_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(`${origin} is not UTF-8 text.`);
    }
}


/***/ })

};

//# sourceMappingURL=786.index.js.map