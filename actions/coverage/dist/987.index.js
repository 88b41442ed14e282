export const id = 987;
export const ids = [987];
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

/***/ 2987:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  upload: () => (/* binding */ upload)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 4 modules
var core = __webpack_require__(8838);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
// EXTERNAL MODULE: ./src/core/exec.ts
var exec = __webpack_require__(2642);
// EXTERNAL MODULE: ./src/core/github.ts + 1 modules
var github = __webpack_require__(9727);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(8522);
// EXTERNAL MODULE: ./src/core/http.ts
var http = __webpack_require__(1983);
// EXTERNAL MODULE: ./src/core/secrets.ts
var secrets = __webpack_require__(8198);
;// CONCATENATED MODULE: ./src/core/oidc-token.ts
/**
 * A GitHub Actions OIDC token (a JWT) for one audience, fetched from the runner's token service
 * the way @actions/core's getIDToken does: GET ACTIONS_ID_TOKEN_REQUEST_URL with `audience` added,
 * ACTIONS_ID_TOKEN_REQUEST_TOKEN as the bearer, `{ "value": <token> }` back.
 *
 * Our own request rather than getIDToken: referencing getIDToken keeps @actions/http-client and
 * undici (~430 KB) in a bundle, evaluated at every start of every step although only an upload
 * with OIDC ever needs them; this goes through core/http.ts and Node's own fetch.
 */


/** Set by the runner only when the job has `permissions: id-token: write`. */
const REQUEST_URL = 'ACTIONS_ID_TOKEN_REQUEST_URL';
const REQUEST_TOKEN = 'ACTIONS_ID_TOKEN_REQUEST_TOKEN';
/** The token, registered as a secret before it is returned. Throws when it cannot be had. */
async function requestOidcToken(audience, { env = process.env, signal } = {}) {
    const requestUrl = env[REQUEST_URL];
    const requestToken = env[REQUEST_TOKEN];
    if (!requestUrl || !requestToken) {
        throw new Error(`${!requestUrl ? REQUEST_URL : REQUEST_TOKEN} is not set: the runner sets it only for jobs ` +
            'with `permissions: id-token: write`');
    }
    (0,secrets/* registerSecret */.cl)(requestToken);
    const url = new URL(requestUrl);
    url.searchParams.set('audience', audience);
    const response = await (0,http/* httpRequest */.aj)({
        url,
        headers: { authorization: `Bearer ${requestToken}`, accept: 'application/json' },
        signal,
    });
    const body = response.json();
    const token = typeof body === 'object' && body !== null ? body.value : undefined;
    if (typeof token !== 'string' || token === '') {
        throw new Error(`the token service at ${url.origin} answered without a token`);
    }
    (0,secrets/* registerSecret */.cl)(token);
    return token;
}

// EXTERNAL MODULE: ./src/core/retry.ts
var retry = __webpack_require__(7253);
// EXTERNAL MODULE: ./src/core/log.ts
var log = __webpack_require__(4325);
;// CONCATENATED MODULE: ./src/coverage/codecov.ts
/**
 * Uploads coverage reports to Codecov the way its CLI (`codecov upload-coverage`) does, without
 * downloading the CLI: one POST to the combined `upload-coverage` endpoint, which answers with a
 * presigned storage URL, then one PUT of a JSON payload holding each report zlib-compressed and
 * base64-encoded. The reports go up as the tools wrote them; Codecov parses them itself.
 */








/** How long an upload may take in all; documented with the codecov input. */
const UPLOAD_DEADLINE_MS = 60_000;
const DEFAULT_CODECOV_URL = 'https://ingest.codecov.io';
const CODECOV_CLIENT_NAME = 'slipway-coverage';
/** Sent in User-Agent and the body's `version`; the action passes its own release. */
const CODECOV_CLIENT_VERSION = '0.1.0';
/** Codecov's rule for flag names: letters, digits, `_`, `-` and `.`, at most 45 characters. */
const FLAG_PATTERN = /^[\w.-]{1,45}$/;
const PR_EVENTS = new Set(['pull_request', 'pull_request_target']);
/**
 * `owner/repo` → `owner::::repo`; subgroups (`group/sub/repo`) are joined with `:::`, as in
 * codecov-cli's `helpers/encoder.py`.
 */
function encodeSlug(slug) {
    const parts = slug.split('/');
    if (parts.length < 2 || parts.some((part) => part === '' || /\s/.test(part))) {
        throw new errors/* ActionError */.lZ(`'${slug}' is not a repository slug like owner/repo.`);
    }
    const repo = parts.pop();
    return `${parts.join(':::')}::::${repo}`;
}
/**
 * The audience Codecov accepts for an OIDC token is one of its own URLs (codecov.io or
 * api.codecov.io), not the ingest host we upload to; a self-hosted Codecov's is its URL, which is
 * what codecov-action passes as well.
 */
function oidcAudience(codecovUrl) {
    const url = new URL(codecovUrl);
    if (/^(?:ingest\.|api\.)?codecov\.io$/.test(url.hostname))
        return 'https://codecov.io';
    return codecovUrl.replace(/\/+$/, '');
}
function record(value) {
    return value !== null && typeof value === 'object'
        ? value
        : undefined;
}
/** GitHub's merge queue runs on `gh-readonly-queue/<branch>/pr-…`; Codecov wants `<branch>`. */
function branchOfRef(name) {
    return /^gh-readonly-queue\/(.+)\/pr-\d+-[0-9a-f]+$/.exec(name)?.[1] ?? name;
}
function uploadTarget(context) {
    const pr = PR_EVENTS.has(context.eventName) ? context.pullRequest : undefined;
    const head = record(record(context.payload.pull_request)?.head);
    const headRepo = record(head?.repo);
    const fromFork = pr !== undefined &&
        (typeof headRepo?.full_name !== 'string' || headRepo.full_name !== context.repository.fullName);
    let branch = null;
    if (pr)
        branch = pr.headRef;
    else if (context.refType === 'branch' && context.refName)
        branch = branchOfRef(context.refName);
    return {
        service: 'github',
        slug: context.repository.fullName,
        // On pull requests the workflow runs on a merge commit that Codecov never sees; the head is
        // the commit the pull request shows.
        commit: pr ? pr.headSha : context.sha,
        branch,
        pullRequest: pr ? pr.number : null,
        fromFork,
        ciUrl: `${context.serverUrl}/${context.repository.fullName}/actions/runs/${context.runId}`,
        jobCode: context.workflow,
    };
}
/**
 * Codecov accepts a tokenless upload only when the branch names its fork as `owner:branch` (the
 * pull request's head label).
 */
function forkBranch(context, headRef) {
    const head = record(record(context.payload.pull_request)?.head);
    if (typeof head?.label === 'string' && head.label.includes(':'))
        return head.label;
    const owner = record(record(head?.repo)?.owner)?.login;
    return `${typeof owner === 'string' ? owner : 'fork'}:${headRef}`;
}
/** The JSON the storage PUT carries, as codecov-cli's UploadSender builds it. */
function storagePayload(files, networkFiles = []) {
    return JSON.stringify({
        report_fixes: { format: 'legacy', value: {} },
        network_files: networkFiles,
        coverage_files: files.map((file) => ({
            filename: file.name,
            format: 'base64+compressed',
            data: (0,external_node_zlib_.deflateSync)(file.bytes).toString('base64'),
            labels: '',
        })),
        metadata: {},
    });
}
async function uploadToCodecov(request) {
    if (request.files.length === 0) {
        throw new errors/* ActionError */.lZ('There is no coverage report to upload to Codecov.');
    }
    for (const flag of request.flags ?? []) {
        if (!FLAG_PATTERN.test(flag)) {
            throw new errors/* InputError */.dz('flags', `holds '${flag}', but Codecov accepts only letters, digits, '_', '-' and '.' (at most 45 characters) in a flag.`, 'unit,linux');
        }
    }
    const codecovUrl = (request.codecovUrl ?? DEFAULT_CODECOV_URL).replace(/\/+$/, '');
    const target = uploadTarget(request.context);
    const { credential, authentication } = await chooseCredential(request, target, codecovUrl);
    const branch = authentication === 'tokenless' && target.fromFork && target.branch !== null
        ? forkBranch(request.context, target.branch)
        : target.branch;
    const version = request.clientVersion ?? CODECOV_CLIENT_VERSION;
    const headers = {
        'user-agent': `${CODECOV_CLIENT_NAME}/${version}`,
        accept: 'application/json',
    };
    if (credential)
        headers.authorization = `token ${credential}`;
    const endpoint = `${codecovUrl}/upload/${target.service}/${encodeSlug(target.slug)}/upload-coverage`;
    const body = {
        branch,
        code: 'default',
        commitid: target.commit,
        parent_commit_id: null,
        pullid: target.pullRequest,
        ci_service: 'github-actions',
        ci_url: target.ciUrl,
        // The CLI sends its parsed arguments here; ours never include the token.
        cli_args: {
            client: CODECOV_CLIENT_NAME,
            files: request.files.map((file) => file.name),
            flags: request.flags ?? [],
            name: request.name ?? null,
        },
        env: {},
        flags: request.flags ?? [],
        job_code: target.jobCode,
        name: request.name ?? null,
        version,
        file_not_found: false,
    };
    // One budget for the whole upload (both requests, retries included): a Codecov that does not
    // answer holds the step at most this long.
    const deadlineAt = Date.now() + (request.deadlineMs ?? UPLOAD_DEADLINE_MS);
    const uploadAttempts = { count: 1 };
    let answer;
    try {
        const response = await (0,http/* httpRequest */.aj)({
            method: 'POST',
            url: endpoint,
            headers,
            body,
            timeoutMs: request.timeoutMs,
            retry: retryOptions(request.retry, 'POST', endpoint, uploadAttempts, deadlineAt),
        });
        answer = response.json();
    }
    catch (error) {
        throw uploadError('Codecov refused the upload', error, authentication);
    }
    if (typeof answer?.raw_upload_location !== 'string') {
        throw new errors/* ActionError */.lZ(`Codecov accepted the upload but its answer has no raw_upload_location to send the reports to: ${(0,secrets/* maskSecrets */.QU)(JSON.stringify(answer)).slice(0, 300)}`, 'Check codecov-url: it should point at Codecov itself, not a proxy that rewrites answers.');
    }
    const storageUrl = answer.raw_upload_location;
    // The presigned URL grants write access to the upload for a short while.
    (0,secrets/* registerSecret */.cl)(new URL(storageUrl).search);
    const storageAttempts = { count: 1 };
    try {
        await (0,http/* httpRequest */.aj)({
            method: 'PUT',
            url: storageUrl,
            // No Authorization: the URL carries its own signature, and storage must never see the token.
            headers: { 'user-agent': headers['user-agent'], 'content-type': 'application/json' },
            body: storagePayload(request.files, request.networkFiles),
            timeoutMs: request.timeoutMs,
            retry: retryOptions(request.retry, 'PUT', storageUrl, storageAttempts, deadlineAt),
        });
    }
    catch (error) {
        throw uploadError('Codecov accepted the upload, but storing the reports failed', error);
    }
    const url = typeof answer.url === 'string' ? answer.url : undefined;
    core/* info */.pq((0,log/* escapeUntrusted */.sl)(`Uploaded ${request.files.length} report(s) to Codecov for ${target.commit.slice(0, 12)}` +
        `${branch ? ` on ${branch}` : ''} (${authentication})${url ? `: ${url}` : ''}`));
    return {
        url,
        commit: target.commit,
        branch,
        pullRequest: target.pullRequest,
        authentication,
        files: request.files.length,
        attempts: { upload: uploadAttempts.count, storage: storageAttempts.count },
    };
}
async function chooseCredential(request, target, codecovUrl) {
    // GitHub gives pull requests from forks no OIDC token and no secrets; codecov-action skips
    // OIDC there too, and Codecov accepts those uploads without a token.
    if (request.useOidc && !target.fromFork) {
        const audience = oidcAudience(codecovUrl);
        let token;
        try {
            token = await requestOidcToken(audience);
        }
        catch (error) {
            throw new errors/* ActionError */.lZ(`Could not get a GitHub OIDC token for Codecov (audience ${audience}): ${(0,errors/* describeThrown */.YI)(error)}`, 'Give the job `permissions: id-token: write`, or pass codecov-token instead of use-oidc.');
        }
        (0,secrets/* registerSecretWithDerivations */.si)(token);
        return { credential: token, authentication: 'oidc' };
    }
    const token = request.token?.trim();
    if (token) {
        (0,secrets/* registerSecretWithDerivations */.si)(token);
        return { credential: token, authentication: 'token' };
    }
    return { credential: undefined, authentication: 'tokenless' };
}
function retryOptions(overrides, method, url, attempts, deadlineAt) {
    const shown = `${method} ${new URL(url).origin}${new URL(url).pathname}`;
    return {
        ...overrides,
        deadlineMs: Math.max(1, Math.min(overrides?.deadlineMs ?? Infinity, deadlineAt - Date.now())),
        onRetry: (event) => {
            attempts.count = event.nextAttempt;
            const error = event.error instanceof http/* HttpError */.j$ ? event.error.problem : event.error;
            core/* info */.pq((0,secrets/* maskSecrets */.QU)(`${shown}: ${(0,retry/* formatRetry */.eI)({ ...event, error })}`));
            overrides?.onRetry?.(event);
        },
    };
}
/** Codecov explains itself in `message` or `detail`, or per field as DRF validation errors. */
function codecovMessage(body) {
    if (!body)
        return undefined;
    try {
        const parsed = JSON.parse(body);
        const fields = record(parsed);
        if (typeof fields?.message === 'string')
            return fields.message;
        if (typeof fields?.detail === 'string')
            return fields.detail;
        if (Array.isArray(parsed))
            return parsed.map(String).join('; ');
        if (fields) {
            return Object.entries(fields)
                .map(([name, problems]) => `${name}: ${[problems].flat().map(String).join(' ')}`)
                .join('; ');
        }
    }
    catch {
        // Not JSON: storage answers in XML, proxies in HTML; the excerpt is the best there is.
    }
    return body;
}
function uploadError(what, error, authentication) {
    if (!(error instanceof http/* HttpError */.j$)) {
        return new errors/* ActionError */.lZ(`${what}: ${(0,errors/* describeThrown */.YI)(error)}`, undefined, { cause: error });
    }
    const said = codecovMessage(error.bodyExcerpt);
    let message = `${what}: ${error.method} ${error.url} `;
    if (error.status === undefined) {
        message += error.problem;
    }
    else {
        message += `answered HTTP ${error.status}${said ? `: ${said}` : ''}`;
        const gaveUp = /gave up after .*$/.exec(error.problem)?.[0];
        if (gaveUp)
            message += ` (${gaveUp})`;
    }
    return new errors/* ActionError */.lZ((0,secrets/* maskSecrets */.QU)(message), hintFor(error.status, said, authentication), {
        cause: error,
    });
}
function hintFor(status, said, authentication) {
    if (/token required|tokenless/i.test(said ?? '') && authentication === 'tokenless') {
        return ('Codecov takes uploads without a token only from pull requests of forks. Pass ' +
            'codecov-token: ${{ secrets.CODECOV_TOKEN }}, or set use-oidc: true with permissions: id-token: write.');
    }
    if (status === 401) {
        return authentication === 'oidc'
            ? "Codecov did not accept the OIDC token: check that the repository is activated in Codecov and that codecov-url is Codecov's."
            : "Codecov did not accept the token: copy the repository's upload token from Codecov's settings into the secret.";
    }
    if (status === 403)
        return 'The token belongs to another repository or organisation in Codecov.';
    if (status === 404)
        return 'Check codecov-url and that the repository exists in Codecov.';
    if (status === 429) {
        return 'Codecov rate-limits uploads without a token; pass codecov-token to avoid it, or re-run later.';
    }
    if (status !== undefined && status >= 500) {
        return 'Codecov is having trouble; re-run the job later, or set fail-on-upload-error: false to not fail on it.';
    }
    if (status === undefined)
        return 'Check that the runner can reach codecov-url.';
    return undefined;
}

;// CONCATENATED MODULE: ./src/coverage/upload.ts







/** Uploads the original reports; returns the error to fail the step with when fail-on-upload-error says so. */
async function upload(settings, files, notes) {
    const codecov = settings.codecov;
    try {
        const uploaded = await uploadToCodecov({
            files: await Promise.all(files.map(async (path) => ({
                name: (0,external_node_path_.relative)(settings.workspace, path),
                bytes: await (0,promises_.readFile)(path),
            }))),
            codecovUrl: codecov.url,
            token: codecov.token,
            useOidc: codecov.useOidc,
            flags: codecov.flags,
            name: settings.name,
            context: (0,github/* readGitHubContext */.L7)(),
            networkFiles: await trackedFiles(settings.workspace),
        });
        notes.push(`Uploaded ${files.length} report(s) to Codecov: ${uploaded.url}`);
        return undefined;
    }
    catch (error) {
        const message = `Upload to Codecov failed: ${(0,errors/* describeThrown */.YI)(error)}`;
        notes.push(message);
        if (codecov.failOnUploadError)
            return error instanceof errors/* ActionError */.lZ ? error : new errors/* ActionError */.lZ(message);
        core/* warning */.$e(`${message} (fail-on-upload-error is false, so the step goes on).`);
        return undefined;
    }
}
/** Codecov maps report paths onto the repository with the list of tracked files, as its CLI sends. */
async function trackedFiles(workspace) {
    const listed = await (0,exec/* execute */.g7)('git', ['ls-files'], {
        cwd: workspace,
        okExitCodes: 'any',
        echo: false,
    }).catch(() => undefined);
    return listed?.exitCode === 0 ? listed.stdout.split('\n').filter(Boolean) : [];
}


/***/ })

};

//# sourceMappingURL=987.index.js.map