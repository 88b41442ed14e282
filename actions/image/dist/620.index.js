export const id = 620;
export const ids = [620];
export const modules = {

/***/ 5620:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  act: () => (/* binding */ act)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 5 modules
var lib_core = __webpack_require__(5049);
// EXTERNAL MODULE: ./src/core/errors.ts
var errors = __webpack_require__(4296);
// EXTERNAL MODULE: ./src/core/image-reference.ts
var image_reference = __webpack_require__(8630);
// EXTERNAL MODULE: ./src/image/builders/buildah.ts
var buildah = __webpack_require__(6559);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: ./src/core/exec.ts
var exec = __webpack_require__(2642);
// EXTERNAL MODULE: ./src/image/builders/builder-process.ts
var builder_process = __webpack_require__(817);
// EXTERNAL MODULE: ./src/image/builders/attestations.ts
var attestations = __webpack_require__(6683);
// EXTERNAL MODULE: ./src/image/builders/build-metadata.ts
var build_metadata = __webpack_require__(5594);
// EXTERNAL MODULE: ./src/image/builders/references.ts
var references = __webpack_require__(3518);
// EXTERNAL MODULE: ./src/image/builders/secret-files.ts
var secret_files = __webpack_require__(4446);
;// CONCATENATED MODULE: ./src/image/builders/docker.ts









/** Exporters that write files, not an image: buildx writes no image id for them. */
function exportsFilesOnly(request) {
    return request.outputs.some((output) => ['local', 'tar'].includes((0,references/* exporterType */.O4)(output)));
}
function buildxArgs(request, plan) {
    const args = ['buildx', 'build'];
    if (request.builder)
        args.push('--builder', request.builder);
    if (!exportsFilesOnly(request))
        args.push('--iidfile', plan.iidFile);
    args.push('--metadata-file', plan.metadataFile);
    args.push(...commonBuildArgs(request));
    if (request.platforms.length > 0)
        args.push('--platform', request.platforms.join(','));
    args.push(...(0,secret_files/* secretArgs */.s9)(plan.secretFiles));
    args.push(...(0,secret_files/* secretFileArgs */.WX)(request.secretFiles), ...(plan.secretEnvArgs ?? []));
    for (const annotation of request.annotations)
        args.push('--annotation', annotation);
    for (const spec of request.cacheFrom)
        args.push('--cache-from', spec);
    for (const spec of request.cacheTo)
        args.push('--cache-to', spec);
    for (const filter of request.noCacheFilters)
        args.push('--no-cache-filter', filter);
    for (const context of request.buildContexts)
        args.push('--build-context', context);
    for (const ssh of request.ssh)
        args.push('--ssh', ssh);
    args.push(...(0,attestations/* buildxAttestArgs */.Pr)(request));
    for (const output of request.outputs)
        args.push('--output', output);
    if (request.load)
        args.push('--load');
    if (request.push) {
        const insecure = request.tags.some((tag) => (0,references/* isInsecureReference */.Y5)(tag, request.insecureRegistries));
        // --push cannot reach a plain-HTTP registry; the image exporter can, and names the image from -t.
        if (insecure)
            args.push('--output', 'type=image,push=true,registry.insecure=true');
        else
            args.push('--push');
    }
    args.push(request.context);
    return args;
}
/** What the classic builder cannot do; each needs BuildKit, which comes with buildx. */
function inputsNeedingBuildx(request, classicHasSecrets) {
    const needs = [];
    if (request.builder)
        needs.push(`builder (${request.builder})`);
    if (request.platforms.length > 1)
        needs.push(`platforms (${request.platforms.join(',')})`);
    if (request.cacheTo.length > 0)
        needs.push('cache-to');
    if ((0,references/* asksForAttestation */.mC)(request.provenance))
        needs.push('provenance');
    if ((0,references/* asksForAttestation */.mC)(request.sbom))
        needs.push('sbom');
    if ((0,attestations/* asksForAnyAttestation */.WJ)(request).length > 0)
        needs.push('attests');
    if (!classicHasSecrets) {
        if (request.secrets.size > 0)
            needs.push('secrets');
        if (request.secretFiles.size > 0)
            needs.push('secret-files');
        if (request.secretEnvs.size > 0)
            needs.push('secret-envs');
    }
    if (request.outputs.length > 0)
        needs.push('outputs');
    if (request.noCacheFilters.length > 0)
        needs.push('no-cache-filters');
    if (request.buildContexts.length > 0)
        needs.push('build-contexts');
    if (request.ssh.length > 0)
        needs.push('ssh');
    return needs;
}
function classicBuildArgs(request, plan) {
    const warnings = [];
    const args = ['build', '--iidfile', plan.iidFile, ...commonBuildArgs(request)];
    if (request.platforms.length === 1)
        args.push('--platform', request.platforms[0]);
    args.push(...(0,secret_files/* secretArgs */.s9)(plan.secretFiles));
    args.push(...(0,secret_files/* secretFileArgs */.WX)(request.secretFiles), ...(plan.secretEnvArgs ?? []));
    for (const spec of request.cacheFrom) {
        const reference = (0,references/* registryCacheReference */.Zi)(spec);
        if (reference === undefined) {
            warnings.push(`The classic docker builder only reads cache from images; cache-from ${spec} is ignored.`);
        }
        else
            args.push('--cache-from', reference);
    }
    if (request.annotations.length > 0) {
        warnings.push(`The classic docker builder cannot set annotations; ${request.annotations.length} ignored (install buildx to keep them).`);
    }
    args.push(request.context);
    return { args, warnings };
}
/** Options the classic builder and buildx spell alike. */
function commonBuildArgs(request) {
    const args = [];
    const file = request.file ?? containerfileWithoutDockerfile(request.context);
    if (file)
        args.push('-f', file);
    if (request.target)
        args.push('--target', request.target);
    for (const [name, value] of request.buildArgs)
        args.push('--build-arg', `${name}=${value}`);
    for (const label of request.labels)
        args.push('--label', label);
    for (const tag of request.tags)
        args.push('-t', tag);
    if (request.noCache)
        args.push('--no-cache');
    if (request.pull)
        args.push('--pull');
    if (request.network)
        args.push('--network', request.network);
    for (const host of request.addHosts)
        args.push('--add-host', host);
    if (request.shmSize)
        args.push('--shm-size', request.shmSize);
    for (const ulimit of request.ulimits)
        args.push('--ulimit', ulimit);
    return args;
}
/** docker only looks for `Dockerfile`; podman and buildah users often have a `Containerfile`. */
function containerfileWithoutDockerfile(context) {
    if (/^[a-z]+:\/\//i.test(context) || (0,external_node_fs_.existsSync)((0,external_node_path_.join)(context, 'Dockerfile')))
        return undefined;
    const containerfile = (0,external_node_path_.join)(context, 'Containerfile');
    return (0,external_node_fs_.existsSync)(containerfile) ? containerfile : undefined;
}
/** `docker push` ends with `<tag>: digest: sha256:<hex> size: <n>`. */
function digestFromPushOutput(output) {
    const matches = [...output.matchAll(/digest: (sha256:[0-9a-f]{64})/g)];
    return matches.at(-1)?.[1];
}
/** The RepoDigests entry for the tag's repository, from `docker image inspect`. */
function digestFromRepoDigests(repoDigestsJson, tag) {
    let repoDigests;
    try {
        repoDigests = JSON.parse(repoDigestsJson);
    }
    catch {
        return undefined;
    }
    if (!Array.isArray(repoDigests))
        return undefined;
    const repository = repositoryOf(tag);
    for (const entry of repoDigests) {
        if (typeof entry !== 'string')
            continue;
        const at = entry.lastIndexOf('@');
        if (at !== -1 && entry.slice(0, at) === repository)
            return entry.slice(at + 1);
    }
    return undefined;
}
function repositoryOf(reference) {
    const withoutDigest = reference.split('@')[0];
    const lastSlash = withoutDigest.lastIndexOf('/');
    const colon = withoutDigest.lastIndexOf(':');
    return colon > lastSlash ? withoutDigest.slice(0, colon) : withoutDigest;
}
function digestFromBuildxMetadata(metadataJson) {
    try {
        const metadata = JSON.parse(metadataJson);
        const digest = metadata['containerimage.digest'];
        return typeof digest === 'string' && digest.startsWith('sha256:') ? digest : undefined;
    }
    catch {
        return undefined;
    }
}
async function hasBuildx(env) {
    const result = await (0,exec/* execute */.g7)('docker', ['buildx', 'version'], {
        env,
        okExitCodes: 'any',
        timeoutMs: 30_000,
        echo: false,
    });
    return result.exitCode === 0;
}
async function classicBuildTakesSecrets(env) {
    const help = await (0,exec/* execute */.g7)('docker', ['build', '--help'], {
        env,
        okExitCodes: 'any',
        timeoutMs: 30_000,
        echo: false,
    });
    return /--secret\b/.test(help.stdout);
}
async function buildWithDocker(request) {
    const started = Date.now();
    const deadline = new builder_process/* Deadline */.B2(request.timeoutMs);
    const buildx = await hasBuildx(request.env);
    if (!buildx) {
        const needs = inputsNeedingBuildx(request, await classicBuildTakesSecrets(request.env));
        if (needs.length > 0) {
            throw new errors/* ActionError */.lZ(`Docker buildx is not installed, and the classic docker builder cannot handle ${needs.join(', ')}.`, 'Install buildx before this step (docker/setup-buildx-action), remove those inputs, or use engine: buildah.');
        }
    }
    const envSecrets = (0,secret_files/* secretEnvArgs */.D3)(request.secretEnvs, { ...process.env, ...request.env });
    // Checked before any secret is written, so a bad path fails fast and leaves nothing behind.
    (0,secret_files/* secretFileArgs */.WX)(request.secretFiles);
    return (0,builder_process/* withScratchDirectory */.cp)(async (scratch) => {
        const secretFiles = await (0,secret_files/* writeSecretFiles */.Bd)(request.secrets);
        const plan = {
            secretFiles,
            secretEnvArgs: envSecrets.args,
            iidFile: (0,external_node_path_.join)(scratch, 'image-id'),
            metadataFile: (0,external_node_path_.join)(scratch, 'metadata.json'),
        };
        const step = { deadline, env: request.env };
        const warnings = [...envSecrets.warnings];
        try {
            if (buildx) {
                await (0,builder_process/* runBuilderStep */.Dy)('docker buildx build', 'docker', buildxArgs(request, plan), {
                    ...step,
                    streamOutput: true,
                });
            }
            else {
                const classic = classicBuildArgs(request, plan);
                warnings.push(...classic.warnings);
                await (0,builder_process/* runBuilderStep */.Dy)('docker build', 'docker', classic.args, {
                    ...step,
                    streamOutput: true,
                });
            }
        }
        finally {
            await (0,secret_files/* removeSecretFiles */.Ci)(secretFiles);
        }
        const imageId = (await (0,build_metadata/* readOptionalFile */.pL)(plan.iidFile)) ?? '';
        if (buildx) {
            const metadata = (0,build_metadata/* buildxMetadataText */.X0)(await (0,build_metadata/* readOptionalFile */.pL)(plan.metadataFile));
            return {
                builder: 'docker buildx',
                imageId,
                // buildx reports the manifest digest whenever it made an image, pushed or not.
                digest: digestFromBuildxMetadata(metadata),
                metadata,
                pushed: request.push ? [...request.tags] : [],
                durationMs: Date.now() - started,
                warnings,
            };
        }
        // The classic image store has no manifest until a push makes one.
        const { digest, pushed, ...pushing } = request.push
            ? await (0,builder_process/* pushEachTag */.uI)(request.tags, (tag) => pushWithDocker(tag, step))
            : { digest: undefined, pushed: [], warnings: [] };
        warnings.push(...pushing.warnings);
        return {
            builder: 'docker',
            imageId,
            digest,
            metadata: (0,build_metadata/* buildMetadata */.KP)({ imageId, digest, names: request.tags }),
            pushed,
            durationMs: Date.now() - started,
            warnings,
        };
    });
}
/** `docker push` of one local tag; the digest from its output, else from the image's RepoDigests. */
async function pushWithDocker(tag, step) {
    const output = await (0,builder_process/* runPushStep */.eE)(`docker push ${tag}`, 'docker', ['push', tag], {
        ...step,
        streamOutput: true,
    });
    return digestFromPushOutput(output.stdout) ?? (await digestFromInspect(tag, step));
}
async function digestFromInspect(tag, step) {
    const result = await (0,builder_process/* runBuilderStep */.Dy)('docker image inspect', 'docker', ['image', 'inspect', '--format', '{{json .RepoDigests}}', tag], step);
    return digestFromRepoDigests(result.stdout.trim(), tag);
}

// EXTERNAL MODULE: ./src/core/secrets.ts
var secrets = __webpack_require__(8198);
;// CONCATENATED MODULE: ./src/image/builders/login.ts




/**
 * Logs the builder in before the build and out in the post step. The password travels on
 * stdin: on the command line it would show in the process list.
 */
const DEFAULT_TIMEOUT_MS = 60_000;
function loginArgs(builder, registry, username, options = {}) {
    const tls = builder === 'buildah' && options.insecure ? ['--tls-verify=false'] : [];
    return ['login', ...tls, '--username', username, '--password-stdin', registry];
}
async function login(builder, registry, username, password, options = {}) {
    (0,secrets/* registerSecretWithDerivations */.si)(password);
    // docker keeps `base64(user:password)` in config.json; that form must be masked as well.
    (0,secrets/* registerSecret */.cl)(Buffer.from(`${username}:${password}`).toString('base64'));
    await (0,builder_process/* runBuilderStep */.Dy)(`${builder} login ${registry}`, builder, loginArgs(builder, registry, username, options), {
        deadline: new builder_process/* Deadline */.B2(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
        env: options.env,
        stdin: `${password}\n`,
    });
}
/** For post steps: never throws, a failed logout is only a warning. */
async function logout(builder, registry, options = {}) {
    try {
        await runBuilderStep(`${builder} logout ${registry}`, builder, ['logout', registry], {
            deadline: new Deadline(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
            env: options.env,
        });
    }
    catch (error) {
        core.warning(`Could not log out of ${registry}: ${describeThrown(error)}`);
    }
}

;// CONCATENATED MODULE: ./src/image/builders/index.ts



async function build(request) {
    return request.engine === 'buildah' ? (0,buildah/* buildWithBuildah */.wZ)(request) : buildWithDocker(request);
}

;// CONCATENATED MODULE: ./src/image/builders/push-local.ts





async function pushLocalImage(request) {
    const step = { deadline: new builder_process/* Deadline */.B2(request.timeoutMs), env: request.env };
    const [first] = request.tags;
    if (first === undefined) {
        throw new errors/* ActionError */.lZ('There is no tag to push: the tags rules produced none for this event.');
    }
    const imageId = await localImageId(request.engine, first, step);
    return (0,builder_process/* withScratchDirectory */.cp)(async (scratch) => {
        const { digest, pushed, warnings } = await (0,builder_process/* pushEachTag */.uI)(request.tags, (tag, index) => request.engine === 'buildah'
            ? (0,buildah/* pushWithBuildah */.ip)(request, { imageId: first }, tag, (0,external_node_path_.join)(scratch, `digest-${index}`), step)
            : pushWithDocker(tag, step));
        if (digest === undefined) {
            throw new errors/* ActionError */.lZ(`${request.engine} pushed ${first} but reported no digest.`);
        }
        return { imageId, digest, pushed, warnings };
    });
}
/** The image's id, or the error a user needs when no earlier step left the image here. */
async function localImageId(engine, reference, step) {
    const args = engine === 'buildah'
        ? ['inspect', '--type', 'image', '--format', '{{.FromImageID}}', reference]
        : ['image', 'inspect', '--format', '{{.Id}}', reference];
    const result = await (0,builder_process/* runBuilderStep */.Dy)(`${engine} inspect ${reference}`, engine, args, {
        ...step,
        okExitCodes: 'any',
    });
    const id = result.stdout.trim();
    if (result.exitCode !== 0 || id === '') {
        throw new errors/* ActionError */.lZ(`build is false and push is true, so the image an earlier step built is pushed, but ${engine} has no local image ${reference}.`, `Build it earlier in this job with the same images and tags and load: true (engine: ${engine}), or set build: true.`);
    }
    return id.startsWith('sha256:') ? id : `sha256:${id}`;
}

// EXTERNAL MODULE: ./src/core/retry.ts
var retry = __webpack_require__(7253);
;// CONCATENATED MODULE: ./src/core/http.ts




const HTTP_DEFAULTS = {
    timeoutMs: 30_000,
    maxResponseBytes: 10 * 1024 * 1024,
    retry: { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 15_000, deadlineMs: 120_000 },
};
/** Enough of an error body to recognise the server's explanation without flooding the log. */
const EXCERPT_CHARS = 300;
const ERROR_BODY_BYTES = 64 * 1024;
class HttpError extends errors/* ActionError */.lZ {
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
        super((0,secrets/* maskSecrets */.QU)(`${fields.method} ${fields.url} ${fields.problem}`), fields.hint ?? hintFor(fields.status), options);
        this.method = fields.method;
        this.url = fields.url;
        this.status = fields.status;
        this.bodyExcerpt =
            fields.bodyExcerpt === undefined ? undefined : (0,secrets/* maskSecrets */.QU)(fields.bodyExcerpt);
        this.retryAfterMs = fields.retryAfterMs;
        this.problem = (0,secrets/* maskSecrets */.QU)(fields.problem);
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
        return await (0,retry/* retry */.L5)(({ remainingMs }) => attemptOnce(target, Math.max(1, Math.min(timeoutMs, remainingMs)), options.signal), {
            ...HTTP_DEFAULTS.retry,
            requestedDelayMs: (error) => error instanceof HttpError && error.status === 503 ? error.retryAfterMs : undefined,
            onRetry: (event) => {
                const error = event.error instanceof HttpError ? event.error.problem : event.error;
                lib_core/* info */.pq((0,secrets/* maskSecrets */.QU)(`${method} ${shownUrl}: ${(0,retry/* formatRetry */.eI)({ ...event, error })}`));
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
        if (error instanceof retry/* RetryError */.J_) {
            const last = error.lastError;
            const givingUp = (0,retry/* describeGivingUp */.dF)(error.attempts, error.elapsedMs, error.stoppedBecause);
            const problem = last instanceof HttpError ? last.problem : `failed: ${(0,errors/* describeThrown */.YI)(last)}`;
            throw new HttpError({
                method,
                url: shownUrl,
                status: last instanceof HttpError ? last.status : undefined,
                bodyExcerpt: last instanceof HttpError ? last.bodyExcerpt : undefined,
                problem: `${problem}; ${givingUp}`,
                hint: last instanceof HttpError ? last.hint : UNAVAILABLE_HINT,
            }, { cause: error });
        }
        throw new HttpError({ method, url: shownUrl, problem: `failed: ${(0,errors/* describeThrown */.YI)(error)}` }, { cause: error });
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
                throw new errors/* ActionError */.lZ((0,secrets/* maskSecrets */.QU)(`${target.method} ${target.shownUrl} returned a body that is not JSON (${(0,errors/* describeThrown */.YI)(error)}): ${excerpt(body)}`));
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
    const problem = (code && NETWORK_PROBLEMS[code]) ?? (0,errors/* describeThrown */.YI)(cause);
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
    (0,secrets/* registerSecret */.cl)(password);
    (0,secrets/* registerSecret */.cl)(token);
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

;// CONCATENATED MODULE: ./src/image/registry/auth.ts




/** Parses a WWW-Authenticate value (RFC 9110 §11.6.1), which may hold several challenges. */
function parseChallenges(header) {
    const challenges = [];
    let position = 0;
    const skip = (pattern) => {
        while (position < header.length && pattern.test(header[position]))
            position++;
    };
    const readToken = () => {
        const start = position;
        skip(/[^\s,=]/);
        return header.slice(start, position);
    };
    while (position < header.length) {
        skip(/[\s,]/);
        const word = readToken();
        if (word === '')
            break;
        skip(/\s/);
        if (header[position] === '=' && challenges.length > 0) {
            position++;
            skip(/\s/);
            challenges[challenges.length - 1].params[word.toLowerCase()] = readValue();
            continue;
        }
        challenges.push({ scheme: word.toLowerCase(), params: {} });
    }
    return challenges;
    function readValue() {
        if (header[position] !== '"')
            return readToken();
        let value = '';
        position++;
        while (position < header.length && header[position] !== '"') {
            if (header[position] === '\\')
                position++;
            value += header[position] ?? '';
            position++;
        }
        position++;
        return value;
    }
}
/** `repository:<name>:<actions>`, the scope grammar of distribution's token spec. */
function repositoryScope(repository, actions) {
    return `repository:${repository}:${actions.join(',')}`;
}
/** A token is refreshed this long before it expires so a request never carries a stale one. */
const EXPIRY_MARGIN_MS = 10_000;
/** The token spec's default lifetime when the server names none. */
const DEFAULT_TOKEN_SECONDS = 60;
const PROBE_TIMEOUT_MS = 30_000;
/** Every attempt at reaching the registry ends within this, retries included. */
const PROBE_DEADLINE_MS = 60_000;
class RegistryAuth {
    registry;
    baseUrl;
    credentials;
    now;
    probeLimits;
    challenge;
    tokens = new Map();
    basic;
    constructor(registry, baseUrl, credentials, now = Date.now, 
    /** How long one probe of /v2/ may wait, and all of them with retries. */
    probeLimits = { attemptMs: PROBE_TIMEOUT_MS, deadlineMs: PROBE_DEADLINE_MS }) {
        this.registry = registry;
        this.baseUrl = baseUrl;
        this.credentials = credentials;
        this.now = now;
        this.probeLimits = probeLimits;
        if (credentials) {
            (0,secrets/* registerSecret */.cl)(credentials.password);
            this.basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
            (0,secrets/* registerSecret */.cl)(this.basic);
        }
    }
    /** The Authorization header value for requests needing `scopes`, or undefined for none. */
    async authorization(scopes) {
        this.challenge ??= this.probe();
        const challenge = await this.challenge;
        if (!challenge)
            return undefined;
        if (challenge.scheme === 'basic')
            return this.basic && `Basic ${this.basic}`;
        if (challenge.scheme === 'bearer')
            return `Bearer ${await this.token(challenge, scopes)}`;
        throw new errors/* ActionError */.lZ(`Registry ${this.registry} asks for '${challenge.scheme}' authentication, which is not supported.`, 'Use a registry that offers Basic or Bearer (token) authentication, as Docker registries do.');
    }
    /** Forgets cached tokens, e.g. after the registry rejected one. */
    forgetTokens() {
        this.tokens.clear();
    }
    /**
     * Plain fetch rather than httpRequest: the challenge travels in the headers of a 401, and
     * httpRequest reports a 401 as an error without its headers. Retries still follow the house
     * rule (network errors and 5xx only).
     */
    async probe() {
        const url = `${this.baseUrl}/v2/`;
        try {
            return await (0,retry/* retry */.L5)(async ({ remainingMs }) => {
                // No attempt outlasts the probe's deadline: a silent registry fails within it.
                const timeoutMs = Math.max(1, Math.min(this.probeLimits.attemptMs, remainingMs));
                const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
                await response.body?.cancel();
                if (response.ok)
                    return undefined;
                const header = response.headers.get('www-authenticate');
                if (response.status === 401 && header) {
                    const challenges = parseChallenges(header);
                    return (challenges.find((c) => c.scheme === 'bearer') ??
                        challenges.find((c) => c.scheme === 'basic') ??
                        challenges[0]);
                }
                throw Object.assign(new Error(`GET ${url} returned ${response.status}`), {
                    status: response.status,
                });
            }, { maxAttempts: 4, baseDelayMs: 1_000, deadlineMs: this.probeLimits.deadlineMs });
        }
        catch (error) {
            const last = error instanceof retry/* RetryError */.J_ ? error.lastError : error;
            const givingUp = error instanceof retry/* RetryError */.J_
                ? `; ${(0,retry/* describeGivingUp */.dF)(error.attempts, error.elapsedMs, error.stoppedBecause)}`
                : '';
            throw new errors/* ActionError */.lZ(`Could not reach registry ${this.registry} at ${url}: ${describeFetchFailure(last, this.probeLimits.attemptMs)}${givingUp}.`, this.baseUrl.startsWith('http:')
                ? 'Check that the registry is running and serves plain HTTP at that address.'
                : 'Check the registry host name; a registry without TLS must be marked insecure.', { cause: error });
        }
    }
    async token(challenge, scopes) {
        const key = [...scopes].sort().join(' ');
        const cached = this.tokens.get(key);
        if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > this.now())
            return cached.value;
        const realm = challenge.params.realm;
        if (!realm) {
            throw new errors/* ActionError */.lZ(`Registry ${this.registry} asked for a Bearer token without naming a realm to get it from.`);
        }
        const url = new URL(realm);
        if (challenge.params.service)
            url.searchParams.set('service', challenge.params.service);
        for (const scope of scopes)
            url.searchParams.append('scope', scope);
        let body;
        try {
            const response = await httpRequest({
                url,
                headers: this.basic ? { authorization: `Basic ${this.basic}` } : {},
            });
            body = response.json();
        }
        catch (error) {
            if (error instanceof HttpError && (error.status === 401 || error.status === 403)) {
                throw new errors/* ActionError */.lZ(this.credentials
                    ? `Registry ${this.registry}: the token service at ${url.origin} rejected the username and password of '${this.credentials.username}' (HTTP ${error.status}).`
                    : `Registry ${this.registry}: the token service at ${url.origin} refused an anonymous token (HTTP ${error.status}).`, 'Set username and password to an account (or access token) that may pull and push these repositories.', { cause: error });
            }
            throw error;
        }
        const value = body.token ?? body.access_token;
        if (typeof value !== 'string' || value === '') {
            throw new errors/* ActionError */.lZ(`Registry ${this.registry}: the token service at ${url.origin} answered without a token.`);
        }
        (0,secrets/* registerSecret */.cl)(value);
        const seconds = typeof body.expires_in === 'number' && body.expires_in > 0
            ? body.expires_in
            : DEFAULT_TOKEN_SECONDS;
        this.tokens.set(key, { value, expiresAt: this.now() + seconds * 1_000 });
        return value;
    }
}
function describeFetchFailure(error, attemptMs) {
    if (error?.name === 'TimeoutError') {
        return `no response within ${attemptMs / 1_000}s per attempt`;
    }
    // fetch says only "fetch failed"; the reason and its system error code are in the cause.
    const cause = error?.cause;
    if (!(cause instanceof Error))
        return (0,errors/* describeThrown */.YI)(error);
    const code = cause.code;
    return typeof code === 'string' && !cause.message.includes(code)
        ? `${cause.message} (${code})`
        : cause.message;
}

// EXTERNAL MODULE: ./src/image/registry/credential-store.ts + 1 modules
var credential_store = __webpack_require__(1181);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./src/image/registry/manifest.ts


/** Every manifest type we copy; asking for all of them stops a registry from down-converting. */
const MEDIA_TYPES = {
    ociIndex: 'application/vnd.oci.image.index.v1+json',
    ociManifest: 'application/vnd.oci.image.manifest.v1+json',
    dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
    dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
};
const MANIFEST_ACCEPT = Object.values(MEDIA_TYPES).join(', ');
const INDEX_TYPES = new Set([MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList]);
const SUPPORTED = new Set(Object.values(MEDIA_TYPES));
function isIndexType(mediaType) {
    return INDEX_TYPES.has(mediaType);
}
/**
 * The media type of manifest bytes: the response's Content-Type when it names one we know,
 * else the manifest's own `mediaType` field (some registries answer application/json).
 */
function resolveMediaType(contentType, bytes) {
    const declared = contentType?.split(';')[0].trim().toLowerCase();
    if (declared && SUPPORTED.has(declared))
        return declared;
    const field = parseJson(bytes).mediaType;
    if (typeof field === 'string' && SUPPORTED.has(field))
        return field;
    throw new errors/* ActionError */.lZ(`The registry returned a manifest of type '${declared || field || 'unknown'}', which cannot be copied.`, `Supported types: ${Object.values(MEDIA_TYPES).join(', ')}. Re-push the image with a current builder.`);
}
function referencedContent(mediaType, bytes) {
    const manifest = parseJson(bytes);
    if (isIndexType(mediaType)) {
        return { manifests: descriptors(manifest.manifests), blobs: [] };
    }
    const config = manifest.config === undefined ? [] : descriptors([manifest.config]);
    return { manifests: [], blobs: [...config, ...descriptors(manifest.layers)] };
}
function descriptors(value) {
    if (value === undefined)
        return [];
    if (!Array.isArray(value))
        throw malformed('a descriptor list is not an array');
    return value.map((entry) => {
        if (typeof entry?.digest !== 'string' || typeof entry.mediaType !== 'string') {
            throw malformed('a descriptor lacks digest or mediaType');
        }
        return {
            mediaType: entry.mediaType,
            digest: entry.digest,
            size: Number(entry.size ?? 0),
            ...(Array.isArray(entry.urls) && entry.urls.length > 0 && { urls: entry.urls }),
        };
    });
}
function parseJson(bytes) {
    try {
        const value = JSON.parse(bytes.toString('utf8'));
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
            return value;
        }
    }
    catch {
        // reported below
    }
    throw malformed('it is not a JSON object');
}
function malformed(why) {
    return new errors/* ActionError */.lZ(`The registry returned a malformed manifest: ${why}.`);
}
/** The content digest of bytes, with the algorithm of `like` (sha256 unless it says sha512). */
function digestOf(bytes, like = 'sha256:') {
    const algorithm = like.startsWith('sha512:') ? 'sha512' : 'sha256';
    return `${algorithm}:${(0,external_node_crypto_.createHash)(algorithm).update(bytes).digest('hex')}`;
}

;// CONCATENATED MODULE: ./src/image/registry/client.ts






/** The OCI distribution spec asks registries to accept manifests of at least 4 MiB. */
const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;
/**
 * The slice of the OCI distribution API that promotion needs: manifests by tag or digest, and
 * blobs by existence check, cross-repository mount or upload.
 */
class RegistryClient {
    registry;
    baseUrl;
    auth;
    credentials;
    constructor(options) {
        this.registry = options.registry;
        const plainHttp = options.insecure ?? (0,image_reference/* isLoopbackRegistry */.jW)(options.registry);
        this.baseUrl = `${plainHttp ? 'http' : 'https'}://${options.registry}`;
        this.credentials = options.credentials;
        this.auth = new RegistryAuth(this.registry, this.baseUrl, options.credentials);
    }
    /**
     * The manifest's digest and type without its body; undefined when the tag or digest is absent.
     * `forPush` asks for a token that may also push, as docker does before pushing: some registries
     * (Docker Hub) refuse a pull-only token for a repository that does not exist yet.
     */
    async headManifest(repository, reference, options = {}) {
        const scope = options.forPush ? pull(repository, 'push') : pull(repository);
        const response = await this.send(`read ${repository}:${reference}`, [scope], {
            method: 'HEAD',
            url: this.manifestUrl(repository, reference),
            headers: { accept: MANIFEST_ACCEPT },
        });
        if (!response)
            return undefined;
        const digest = response.headers.get('docker-content-digest');
        const mediaType = response.headers.get('content-type')?.split(';')[0].trim();
        // The spec requires the header; registries that omit it on HEAD still tell us through a GET.
        if (!digest || !mediaType)
            return this.getManifest(repository, reference);
        return { digest, mediaType, size: Number(response.headers.get('content-length') ?? 0) };
    }
    /**
     * A small blob's bytes (an image config), checked against the digest; undefined when absent.
     * A registry may redirect the GET to storage elsewhere; fetch drops the Authorization header
     * when it leaves the registry's origin.
     */
    async getBlob(repository, digest, maxBytes = MAX_MANIFEST_BYTES) {
        const response = await this.send(`read blob ${digest} in ${repository}`, [pull(repository)], {
            url: `${this.baseUrl}/v2/${repository}/blobs/${digest}`,
            maxResponseBytes: maxBytes,
        });
        if (!response)
            return undefined;
        const actual = digestOf(response.body, digest);
        if (actual !== digest) {
            throw new errors/* ActionError */.lZ(`Registry ${this.registry} returned bytes for blob ${repository}@${digest} whose digest is ${actual}.`, 'The registry or a proxy altered the blob; push the image again.');
        }
        return response.body;
    }
    /** The manifest bytes, checked against their digest; undefined when absent. */
    async getManifest(repository, reference) {
        const response = await this.send(`read ${repository}:${reference}`, [pull(repository)], {
            url: this.manifestUrl(repository, reference),
            headers: { accept: MANIFEST_ACCEPT },
            maxResponseBytes: MAX_MANIFEST_BYTES,
        });
        if (!response)
            return undefined;
        const bytes = response.body;
        const byDigest = reference.includes(':');
        const digest = digestOf(bytes, byDigest ? reference : 'sha256:');
        const announced = response.headers.get('docker-content-digest');
        const expected = byDigest ? reference : announced;
        if (expected && expected.split(':')[0] === digest.split(':')[0] && expected !== digest) {
            throw new errors/* ActionError */.lZ(`Registry ${this.registry} returned manifest bytes for ${repository}@${expected} whose digest is ${digest}.`, 'The registry or a proxy altered the manifest; copying it would change the image digest.');
        }
        const mediaType = resolveMediaType(response.headers.get('content-type'), bytes);
        return { digest, mediaType, size: bytes.length, bytes };
    }
    /** Stores the exact bytes under `reference` (a tag or the digest) and returns the digest. */
    async putManifest(repository, reference, bytes, mediaType) {
        const digest = digestOf(bytes);
        const response = await this.send(`push ${repository}:${reference}`, [pull(repository, 'push')], {
            method: 'PUT',
            url: this.manifestUrl(repository, reference),
            headers: { 'content-type': mediaType },
            body: bytes,
        }, { notFoundIsError: true });
        const stored = response?.headers.get('docker-content-digest');
        if (stored && stored !== digest) {
            throw new errors/* ActionError */.lZ(`Registry ${this.registry} stored ${repository}:${reference} as ${stored}, not ${digest}.`, 'The registry rewrote the manifest; its digest would differ from the source image.');
        }
        return digest;
    }
    async blobExists(repository, digest) {
        const response = await this.send(`read blob ${digest} in ${repository}`, [pull(repository)], {
            method: 'HEAD',
            url: `${this.baseUrl}/v2/${repository}/blobs/${digest}`,
        });
        return response !== undefined;
    }
    /**
     * Links a blob that `from` holds into `repository` without transferring it. False when the
     * registry declined (it then opens an upload session, which is cancelled here).
     */
    async mountBlob(repository, digest, from) {
        const url = new URL(`${this.baseUrl}/v2/${repository}/blobs/uploads/`);
        url.searchParams.set('mount', digest);
        url.searchParams.set('from', from);
        const scopes = [pull(repository, 'push'), pull(from)];
        const response = await this.send(`mount blob ${digest} from ${from} into ${repository}`, scopes, { method: 'POST', url }, { notFoundIsError: true });
        if (response?.status === 201)
            return true;
        const location = response?.headers.get('location');
        if (location) {
            await this.send('cancel the upload', scopes, {
                method: 'DELETE',
                url: new URL(location, this.baseUrl),
                retry: { maxAttempts: 1 },
            }).catch(() => undefined);
        }
        return false;
    }
    /** Uploads a blob in one request (the spec's monolithic upload) unless it exists already. */
    async uploadBlob(repository, bytes) {
        const digest = digestOf(bytes);
        if (await this.blobExists(repository, digest))
            return digest;
        const what = `upload blob ${digest} to ${repository}`;
        const scopes = [pull(repository, 'push')];
        const started = await this.send(what, scopes, { method: 'POST', url: `${this.baseUrl}/v2/${repository}/blobs/uploads/` }, { notFoundIsError: true });
        const location = started?.headers.get('location');
        if (!location) {
            throw new errors/* ActionError */.lZ(`Registry ${this.registry} opened an upload without a Location.`);
        }
        const url = new URL(location, this.baseUrl);
        url.searchParams.set('digest', digest);
        await this.send(what, scopes, {
            method: 'PUT',
            url,
            headers: { 'content-type': 'application/octet-stream' },
            body: bytes,
            // The upload session is consumed by the first attempt; a retry would hit a dead URL.
            retry: { maxAttempts: 1 },
        }, { notFoundIsError: true });
        return digest;
    }
    manifestUrl(repository, reference) {
        return `${this.baseUrl}/v2/${repository}/manifests/${reference}`;
    }
    /** One request with authorization; undefined for a 404 unless it means something is wrong. */
    async send(what, scopes, request, options = {}) {
        const authorization = await this.auth.authorization(scopes);
        try {
            return await httpRequest({
                ...request,
                headers: { ...request.headers, ...(authorization && { authorization }) },
            });
        }
        catch (error) {
            if (!(error instanceof HttpError))
                throw error;
            if (error.status === 404 && !options.notFoundIsError)
                return undefined;
            throw this.explain(what, error);
        }
    }
    explain(what, error) {
        const codes = errorCodes(error.bodyExcerpt);
        if (error.status === 401 || error.status === 403) {
            this.auth.forgetTokens();
            return new errors/* ActionError */.lZ(this.credentials
                ? `Registry ${this.registry} refused to ${what} for user '${this.credentials.username}' (HTTP ${error.status}): wrong username or password, or the account lacks permission.`
                : `Registry ${this.registry} refused to ${what} without credentials (HTTP ${error.status}).`, this.credentials
                ? 'Check the password (or access token) and that the account may pull and push this repository; registries also answer this way for a repository that does not exist.'
                : `Set the username and password inputs (and registry) to an account that may pull and push this repository, or log in to the registry in an earlier step (docker/login-action, redhat-actions/podman-login). No credentials for it were found in ${(0,credential_store/* describeCredentialSearch */.xS)()}.`, { cause: error });
        }
        if (codes.includes('MANIFEST_BLOB_UNKNOWN') || codes.includes('BLOB_UNKNOWN')) {
            return new errors/* ActionError */.lZ(`Registry ${this.registry} refused to ${what}: the manifest refers to layers, config or child manifests that the repository does not hold (${codes.join(', ')}).`, 'Promote within one registry from an image whose content is complete, or push the source image again.', { cause: error });
        }
        if (error.status === 413) {
            return new errors/* ActionError */.lZ(`Registry ${this.registry} refused to ${what}: the manifest is larger than it accepts (HTTP 413).`, undefined, { cause: error });
        }
        return new errors/* ActionError */.lZ(`Registry ${this.registry} failed to ${what}: ${error.problem}`, error.hint, { cause: error });
    }
}
/** The OCI error codes (`{"errors":[{"code":"..."}]}`) named in an error body. */
function errorCodes(body) {
    return [...(body ?? '').matchAll(/"code"\s*:\s*"([A-Z_]+)"/g)].map((match) => match[1]);
}
function pull(repository, ...more) {
    return repositoryScope(repository, ['pull', ...more]);
}

// EXTERNAL MODULE: ./src/image/registry-access.ts
var registry_access = __webpack_require__(4561);
// EXTERNAL MODULE: ./src/core/credentials.ts
var credentials = __webpack_require__(2633);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
;// CONCATENATED MODULE: ./src/core/reports/source.ts


/** JSON and text reports are read whole; anything bigger than this is not a plausible report. */
const source_MAX_TEXT_REPORT_BYTES = (/* unused pure expression or super */ null && (64 * 1024 * 1024));
function fileSource(path) {
    return {
        origin: path,
        open: () => createReadStream(path),
        readText: (maxBytes) => collect(createReadStream(path), maxBytes, path),
    };
}
function textSource(text, origin) {
    return {
        origin,
        open: () => Readable.from([Buffer.from(text, 'utf8')]),
        readText: async (maxBytes) => {
            if (Buffer.byteLength(text, 'utf8') > maxBytes)
                throw tooLarge(origin, maxBytes);
            return text;
        },
    };
}
async function collect(stream, maxBytes, origin) {
    const chunks = [];
    let size = 0;
    try {
        for await (const chunk of stream) {
            size += chunk.length;
            if (size > maxBytes) {
                stream.destroy();
                throw tooLarge(origin, maxBytes);
            }
            chunks.push(chunk);
        }
    }
    catch (error) {
        if (error instanceof source_ReportError)
            throw error;
        throw new source_ReportError(origin, `could not be read: ${error.message}`);
    }
    return Buffer.concat(chunks).toString('utf8');
}
function tooLarge(origin, maxBytes) {
    return new source_ReportError(origin, `is larger than ${Math.round(maxBytes / 1024 / 1024)} MiB and was not read.`);
}
/**
 * A report that cannot be read (malformed, truncated, hostile, wrong shape). The check it belongs
 * to fails with this message rather than the action crashing.
 */
class source_ReportError extends Error {
    origin;
    constructor(origin, problem) {
        super(`${origin}: ${problem}`);
        this.origin = origin;
        this.name = 'ReportError';
    }
}

;// CONCATENATED MODULE: ./src/core/reports/json.ts


/** Reads a whole JSON report; an empty or malformed document is a ReportError naming the format. */
async function readJsonReport(source, format) {
    const text = await source.readText(MAX_TEXT_REPORT_BYTES);
    if (text.trim() === '') {
        throw new ReportError(source.origin, `is empty, expected ${format} JSON output.`);
    }
    try {
        return JSON.parse(stripByteOrderMark(text));
    }
    catch (error) {
        throw new ReportError(source.origin, `is not valid JSON (${error.message}), expected ${format} JSON output.`);
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

;// CONCATENATED MODULE: ./src/core/step-state.ts
/**
 * What a main step saves for its post step (core.saveState), typed and checked on the way back:
 * post runs whatever main did, so a state it cannot read is reported and ignored rather than
 * acted on half-understood.
 */


/**
 * `problemOf` names what is wrong with a parsed value (e.g. "'phase' is not text"), or returns
 * undefined when it is a T.
 */
function stepState(key, problemOf) {
    return {
        key,
        save: (state) => lib_core/* saveState */.LZ(key, JSON.stringify(state)),
        read: () => {
            const saved = lib_core/* getState */.Gu(key);
            if (!saved)
                return undefined;
            let value;
            try {
                value = JSON.parse(saved);
            }
            catch {
                lib_core/* warning */.$e(`The state the main step saved (${key}) is not JSON; the post step ignores it.`);
                return undefined;
            }
            const problem = isObject(value) ? problemOf(value) : 'it is not a JSON object';
            if (problem) {
                lib_core/* warning */.$e(`The state the main step saved (${key}) cannot be used: ${problem}.`);
                return undefined;
            }
            return value;
        },
    };
}
/** The first field of `value` that is not of its expected type, as a problem for stepState. */
function fieldProblem(value, fields) {
    if (!isObject(value))
        return 'it is not a JSON object';
    for (const [name, type] of Object.entries(fields)) {
        const field = value[name];
        const optional = type.endsWith('?');
        if (optional && field === undefined)
            continue;
        const base = type.replace('?', '');
        const ok = base === 'array' ? Array.isArray(field) : typeof field === base;
        if (!ok)
            return `'${name}' is not ${base === 'array' ? 'a list' : `a ${base}`}`;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/image/state.ts
/** State main saves for post: which engine logged in to which registry. */

const loginState = stepState('image-login', (value) => {
    const problem = fieldProblem(value, { engine: 'string', registry: 'string' });
    if (problem)
        return problem;
    const { engine } = value;
    return engine === 'docker' || engine === 'buildah' ? undefined : `unknown engine '${engine}'`;
});

;// CONCATENATED MODULE: ./src/image/registries.ts






/**
 * Who the action is towards each registry: one client per registry, with the credentials found
 * for it (the inputs, then the containers auth files, then docker's config.json; see
 * registry/credential-store.ts), and the builder given the same credentials before it builds or
 * pushes.
 */

/**
 * One client per registry. With `access` (findRegistryCredentials), each gets the credentials
 * found for it; without, only the inputs' registry has credentials.
 */
function registryClients(settings, access) {
    const clients = new Map();
    return (registry) => {
        let client = clients.get(registry);
        if (!client) {
            client = new RegistryClient({
                registry,
                credentials: clientCredentials(settings, registry, access),
                insecure: settings.insecureRegistries.includes(registry) ? true : undefined,
            });
            clients.set(registry, client);
        }
        return client;
    };
}
function clientCredentials(settings, registry, access) {
    const found = access?.credentials.get(registry);
    if (found?.identityToken) {
        // Exchanging a refresh token is an OAuth2 flow the registry client does not implement.
        lib_core/* debug */.Yz(`Registry ${registry}: the identity token from ${found.source} is left to the builder; tag checks and promotion go without credentials.`);
    }
    else if (found) {
        return { username: found.username, password: found.password };
    }
    const login = settings.login;
    return login && (0,registry_access/* sameRegistry */.c)(login.registry, registry)
        ? { username: login.username, password: login.password }
        : undefined;
}
/**
 * Extra environment for the builder processes (BuildRequest.env). buildah reads REGISTRY_AUTH_FILE
 * (or ${XDG_RUNTIME_DIR}/containers/auth.json) first and falls back to
 * ~/.config/containers/auth.json and docker's config.json itself, including `credHelpers`; it
 * does not run docker's `credsStore` (buildah 1.28). So buildah gets a private copy of its first
 * auth file with every credential found here written in (0600 under RUNNER_TEMP, removed by the
 * post step): what it pushes with is then what the tags were checked with, and the inputs need no
 * `buildah login` that would write to the user's auth file. docker reads its own config.json
 * (credsStore included) and is logged in with the inputs, so it needs nothing.
 */
async function builderEnvironment(settings, access) {
    if (settings.build.engine !== 'buildah' || access.credentials.size === 0)
        return {};
    const path = await (0,credentials/* writeCredentialFile */.Vt)('auth.json', access.store.mergedAuthFile([...access.credentials.values()]));
    lib_core/* debug */.Yz(`buildah reads registry credentials from ${path} (a copy of ${access.store.primaryPath}).`);
    return { REGISTRY_AUTH_FILE: path };
}
/**
 * Readies the builder before it builds or pushes, and returns the extra environment to give its
 * processes (BuildRequest.env, the push of a loaded image): docker is logged in with the inputs;
 * buildah gets its private auth file instead (builderEnvironment), which carries the inputs too,
 * so no `buildah login` writes to the user's own auth file.
 */
async function prepareBuilder(settings, access) {
    if (settings.build.engine === 'buildah')
        return builderEnvironment(settings, access);
    await loginIfAsked(settings);
    return {};
}
/** Logs the builder in with the inputs (and saves for the post step whom to log out). */
async function loginIfAsked(settings) {
    if (!settings.login)
        return;
    const { registry, username, password } = settings.login;
    await login(settings.build.engine, registry, username, password, {
        insecure: settings.insecureRegistries.includes(registry),
    });
    loginState.save({ engine: settings.build.engine, registry });
}

// EXTERNAL MODULE: ./src/image/registry/immutable.ts
var immutable = __webpack_require__(4189);
;// CONCATENATED MODULE: ./src/image/registry/push-layout.ts




async function pushLayoutByDigest(client, repository, layout) {
    const blobPath = (digest) => layout.format === 'dir'
        ? (0,external_node_path_.join)(layout.directory, digest.replace(/^sha256:/, ''))
        : (0,external_node_path_.join)(layout.directory, 'blobs', 'sha256', digest.replace(/^sha256:/, ''));
    const top = layout.format === 'dir'
        ? await (0,promises_.readFile)((0,external_node_path_.join)(layout.directory, 'manifest.json'))
        : await (0,promises_.readFile)(blobPath(await topOfOciLayout(layout.directory)));
    return pushManifestTree(client, repository, top, blobPath);
}
/** The one manifest an OCI layout's index.json names (`manifest push --all` writes one). */
async function topOfOciLayout(directory) {
    const index = JSON.parse(await (0,promises_.readFile)((0,external_node_path_.join)(directory, 'index.json'), 'utf8'));
    const digest = index.manifests?.[0]?.digest;
    if (index.manifests?.length !== 1 || typeof digest !== 'string') {
        throw new errors/* ActionError */.lZ(`The image layout in ${directory} names ${index.manifests?.length ?? 0} manifests, not one.`);
    }
    return digest;
}
/** Blobs first, then child manifests by digest, then the manifest itself by digest. */
async function pushManifestTree(client, repository, bytes, blobPath) {
    const mediaType = resolveMediaType(null, bytes);
    const content = referencedContent(mediaType, bytes);
    for (const blob of content.blobs) {
        if (blob.urls)
            continue;
        const data = await (0,promises_.readFile)(blobPath(blob.digest));
        const uploaded = await client.uploadBlob(repository, data);
        if (uploaded !== blob.digest) {
            throw new errors/* ActionError */.lZ(`The blob on disk for ${blob.digest} has digest ${uploaded}; the builder's copy is damaged.`);
        }
    }
    for (const child of content.manifests) {
        const childBytes = await (0,promises_.readFile)(blobPath(child.digest));
        await pushManifestTree(client, repository, childBytes, blobPath);
    }
    const digest = digestOf(bytes);
    await client.putManifest(repository, digest, bytes, mediaType);
    return digest;
}

;// CONCATENATED MODULE: ./src/image/registry/push-plan.ts


/**
 * HEADs every target once (duplicates are dropped). With the digest that will be written, a tag
 * already there is `unchanged`; without one (a build not done yet) any existing tag moves.
 */
async function planPush(clients, targets, digest) {
    const unique = new Map();
    for (const target of targets) {
        const reference = { registry: target.registry, repository: target.repository, tag: target.tag };
        unique.set((0,image_reference/* formatReference */.FH)(reference), reference);
    }
    // One after another: the first request to a repository fetches the token the rest reuse.
    const planned = [];
    for (const reference of unique.values()) {
        const head = await clientFor(clients, reference.registry).headManifest(reference.repository, reference.tag, { forPush: true });
        const action = head === undefined ? 'create' : head.digest === digest ? 'unchanged' : 'move';
        planned.push({ reference, action, ...(head && { current: head.digest }) });
    }
    return planned;
}
function clientFor(clients, registry) {
    if (typeof clients === 'function')
        return clients(registry);
    if (clients.registry !== registry) {
        throw new errors/* ActionError */.lZ(`No registry client for ${registry}; the client given is for ${clients.registry}.`);
    }
    return clients;
}
/**
 * PUTs the manifest to every target that does not hold it yet, then reads every target back
 * with a HEAD to prove it now has `manifest.digest`. A failed PUT ends in PartialPushError.
 */
async function writeTags(clients, targets, manifest, writer) {
    const toWrite = targets.filter((target) => target.action !== 'unchanged');
    const written = [];
    for (const [position, target] of toWrite.entries()) {
        const { registry, repository, tag } = target.reference;
        try {
            await clientFor(clients, registry).putManifest(repository, tag, manifest.bytes, manifest.mediaType);
        }
        catch (error) {
            const unchanged = targets
                .filter((t) => t.action === 'unchanged')
                .map((t) => (0,image_reference/* formatReference */.FH)(t.reference));
            throw new PartialPushError(writer, manifest.digest, [...unchanged, ...written], toWrite.slice(position).map((t) => (0,image_reference/* formatReference */.FH)(t.reference)), error);
        }
        written.push((0,image_reference/* formatReference */.FH)(target.reference));
    }
    const refs = [];
    for (const target of targets) {
        const { registry, repository, tag } = target.reference;
        const head = await clientFor(clients, registry).headManifest(repository, tag, {
            forPush: true,
        });
        const shown = (0,image_reference/* formatReference */.FH)(target.reference);
        if (head?.digest !== manifest.digest) {
            throw new errors/* ActionError */.lZ(`After the ${writer} ${shown} points to ${head?.digest ?? 'nothing'}, not to ${manifest.digest}.`, `Another job may have pushed the same tag at the same time; re-run the ${writer}.`);
        }
        refs.push(shown);
    }
    return { refs, written };
}
/**
 * Writing stopped part way: `moved` tags (and those already at the digest) point to `digest`,
 * `notMoved` still point where they pointed before.
 */
class PartialPushError extends errors/* ActionError */.lZ {
    writer;
    digest;
    moved;
    notMoved;
    constructor(writer, digest, moved, notMoved, cause) {
        super(`${cause instanceof Error ? cause.message : String(cause)}\nThe ${writer} stopped at ${notMoved[0]}: ` +
            `moved to ${digest}: ${moved.length > 0 ? moved.join(', ') : 'none'}; not moved: ${notMoved.join(', ')}.`, cause instanceof errors/* ActionError */.lZ && cause.hint
            ? cause.hint
            : `Re-run the job: the ${writer} writes the same manifest again, so tags already moved stay as they are.`, { cause });
        this.writer = writer;
        this.digest = digest;
        this.moved = moved;
        this.notMoved = notMoved;
    }
}

;// CONCATENATED MODULE: ./src/image/targets.ts


/** A computed tag as the registry reference it is written to; a bad one blames `images`. */
function parseTarget(tag) {
    try {
        return (0,image_reference/* parseReference */.F2)(tag);
    }
    catch (error) {
        throw new errors/* InputError */.dz('images', `gives the tag '${tag}', which is not a valid image reference: ${error.problem ?? error.message}`, 'ghcr.io/octo-org/app');
    }
}

;// CONCATENATED MODULE: ./src/image/build-image.ts













/** A build may take long (a cold cache, several platforms); a hung builder may not take forever. */
const BUILD_TIMEOUT_MS = 60 * 60_000;
/**
 * Builds the image and, with `push`, writes it to every computed tag. Before building, the tags
 * are read from the registry: skip-existing stops at an existing first tag, and a push that would
 * move an immutable tag is refused while nothing has been built or pushed yet.
 */
async function buildImage(run) {
    const { settings, metadata, base, access, repositoryPrivate } = run;
    if (settings.pushByDigest) {
        return buildAndPushByDigest(run);
    }
    if (settings.push) {
        const skipped = await checkBeforePush(run);
        if (skipped)
            return skipped;
    }
    const env = await prepareBuilder(settings, access);
    const result = await build({
        ...settings.build,
        env,
        labels: metadata.labels,
        annotations: metadata.annotations,
        tags: metadata.tags,
        push: settings.push,
        timeoutMs: BUILD_TIMEOUT_MS,
        insecureRegistries: settings.insecureRegistries,
        repositoryPrivate,
    });
    for (const warning of result.warnings)
        lib_core/* warning */.$e(warning);
    return {
        ...base,
        kind: settings.push ? 'pushed' : 'built',
        digest: result.digest,
        imageId: result.imageId,
        buildMetadata: result.metadata,
        refs: result.pushed,
        builder: result.builder,
        durationMs: result.durationMs,
    };
}
/**
 * Reads the tags from the registry before anything is built or pushed: skip-existing stops at
 * an existing first tag (the skipped outcome), and moving an immutable tag is refused.
 */
async function checkBeforePush(run) {
    const { settings, metadata, registries, base } = run;
    if (metadata.tags.length === 0) {
        throw new errors/* ActionError */.lZ('There is no tag to push: the tags rules produced none for this event.', 'Check the tags input.');
    }
    const plan = await planPush(registries, metadata.tags.map((tag) => parseTarget(tag)));
    const first = plan[0];
    if (settings.skipExisting && first.current) {
        return {
            ...base,
            kind: 'skipped',
            digest: first.current,
            notes: [
                `skip-existing: ${(0,image_reference/* formatReference */.FH)(first.reference)} already exists, so nothing was built.`,
            ],
        };
    }
    const problems = (0,immutable/* checkImmutable */.VY)({ targets: plan }, settings.immutableTags ?? [immutable/* DEFAULT_IMMUTABLE */.VK]);
    if (problems.length > 0) {
        throw new errors/* ActionError */.lZ(`Refusing to build and push: immutable tag(s) already exist and a new build would move them to another digest. Nothing was built or pushed.\n${problems.map((problem) => `- ${problem}`).join('\n')}`, 'Release a new version, or use promote-from to copy an existing image to these tags (same digest).');
    }
    return undefined;
}
/**
 * build: false with push: true — the image an earlier step of this job built and loaded is
 * pushed under the computed tags without rebuilding (build → test → push).
 */
async function pushBuiltImage(run) {
    const { settings, metadata, base, access } = run;
    const skipped = await checkBeforePush(run);
    if (skipped)
        return skipped;
    const env = await prepareBuilder(settings, access);
    const started = Date.now();
    const result = await pushLocalImage({
        engine: settings.build.engine,
        env,
        tags: metadata.tags,
        insecureRegistries: settings.insecureRegistries,
        timeoutMs: BUILD_TIMEOUT_MS,
    });
    for (const warning of result.warnings)
        lib_core/* warning */.$e(warning);
    return {
        ...base,
        kind: 'pushed',
        digest: result.digest,
        imageId: result.imageId,
        refs: result.pushed,
        builder: settings.build.engine,
        durationMs: Date.now() - started,
        notes: [`Pushed the image an earlier step built (${result.imageId}) without rebuilding it.`],
    };
}
/**
 * A matrix leg of a multi-platform build: the image goes to each image's repository by digest,
 * with no tag, and the merge job (merge-digests) tags the joined index. buildx pushes it itself;
 * buildah leaves the image as it would push it on disk, and the registry client pushes that.
 */
async function buildAndPushByDigest(run) {
    const { settings, metadata, registries, base, access, repositoryPrivate } = run;
    if (metadata.images.length === 0) {
        throw new errors/* InputError */.dz('images', 'is required with push-by-digest: it names the repositories the image is pushed to.', 'ghcr.io/octo-org/app');
    }
    const repositories = metadata.images.map((image) => parseTarget(image));
    const env = await prepareBuilder(settings, access);
    const buildah = settings.build.engine === 'buildah';
    const layout = buildah ? await (0,promises_.mkdtemp)((0,external_node_path_.join)(scratchRoot(), 'slipway-layout-')) : undefined;
    try {
        const byDigest = `type=image,"name=${metadata.images.join(',')}",push-by-digest=true,name-canonical=true,push=true`;
        const result = await build({
            ...settings.build,
            env,
            outputs: buildah ? settings.build.outputs : [...settings.build.outputs, byDigest],
            labels: metadata.labels,
            annotations: metadata.annotations,
            tags: buildah ? metadata.tags : [],
            push: false,
            layoutDirectory: layout,
            timeoutMs: BUILD_TIMEOUT_MS,
            insecureRegistries: settings.insecureRegistries,
            repositoryPrivate,
        });
        for (const warning of result.warnings)
            lib_core/* warning */.$e(warning);
        if (!result.digest) {
            throw new errors/* ActionError */.lZ(`${result.builder} pushed by digest but did not report the digest.`);
        }
        if (layout) {
            for (const { registry, repository } of repositories) {
                const pushed = await pushLayoutByDigest(registries(registry), repository, {
                    directory: layout,
                    format: settings.build.platforms.length > 1 ? 'oci' : 'dir',
                });
                if (pushed !== result.digest) {
                    throw new errors/* ActionError */.lZ(`buildah reported ${result.digest}, but the copy pushed to ${registry}/${repository} is ${pushed}.`);
                }
            }
        }
        const refs = repositories.map(({ registry, repository }) => `${registry}/${repository}@${result.digest}`);
        return {
            ...base,
            kind: 'pushed',
            digest: result.digest,
            imageId: result.imageId,
            buildMetadata: result.metadata,
            refs,
            builder: result.builder,
            durationMs: result.durationMs,
            notes: [
                'Pushed by digest without tags (push-by-digest): list this digest in merge-digests of the merge job.',
            ],
        };
    }
    finally {
        if (layout)
            await (0,promises_.rm)(layout, { recursive: true, force: true });
    }
}
/** RUNNER_TEMP on a runner (cleaned after the job), else the system's temporary directory. */
function scratchRoot() {
    return process.env.RUNNER_TEMP || (0,external_node_os_.tmpdir)();
}

// EXTERNAL MODULE: ./src/core/outputs.ts
var outputs = __webpack_require__(1533);
// EXTERNAL MODULE: ./src/core/summary.ts + 1 modules
var summary = __webpack_require__(8237);
;// CONCATENATED MODULE: ./src/image/partial-write.ts


/** Which tags moved and which did not, in `refs`, `result` and the summary, before failing. */
async function reportPartialWrite(error) {
    const kind = error.writer === 'merge' ? 'merged' : 'promoted';
    (0,outputs/* setOutputs */.n0)({ digest: error.digest, refs: error.moved.join('\n'), promoted: 'false' });
    (0,outputs/* setResultOutput */.Rj)({
        kind,
        outcome: 'failed',
        error: error.message,
        digest: error.digest,
        refs: error.moved,
        moved: error.moved,
        notMoved: error.notMoved,
    });
    await new summary/* JobSummary */.c3()
        .verdict('failure', `${error.writer === 'merge' ? 'Merge' : 'Promotion'} failed: ${error.moved.length} of ${error.moved.length + error.notMoved.length} tag(s) moved to ${error.digest}`)
        .table(['tag', 'moved'], [
        ...error.moved.map((ref) => [summary/* markup */.PT.code(ref), '✅ moved']),
        ...error.notMoved.map((ref) => [summary/* markup */.PT.code(ref), '❌ not moved']),
    ])
        .paragraph(error.message)
        .write();
}

;// CONCATENATED MODULE: ./src/image/registry/merge-index.ts


const ATTESTATION_TYPE_ANNOTATION = 'vnd.docker.reference.type';
const ATTESTATION_SUBJECT_ANNOTATION = 'vnd.docker.reference.digest';
const ATTESTATION_TYPE = 'attestation-manifest';
/**
 * The merged index from what the sources offer: pure, so every rule about platforms,
 * attestations, duplicates, order and media type is here. Throws on duplicate platforms.
 */
function composeIndex(candidates) {
    const notes = [];
    const byDigest = new Map();
    const images = [];
    const attestations = [];
    for (const candidate of candidates) {
        const { descriptor } = candidate;
        const earlier = byDigest.get(descriptor.digest);
        if (earlier) {
            if (earlier.source !== candidate.source) {
                notes.push(`${descriptor.digest} is named twice (${earlier.source} and ${candidate.source}); it is listed once.`);
            }
            continue;
        }
        if (isAttestation(descriptor)) {
            byDigest.set(descriptor.digest, candidate);
            attestations.push(candidate);
        }
        else if (descriptor.platform && !isUnknownPlatform(descriptor.platform)) {
            if (isIndexType(descriptor.mediaType)) {
                throw new errors/* ActionError */.lZ(`${candidate.source} contains a nested index ${descriptor.digest}; an index of indexes cannot be merged.`, 'Merge the single-platform images (or the indexes buildx pushed for each leg) instead.');
            }
            byDigest.set(descriptor.digest, candidate);
            images.push(candidate);
        }
        else {
            notes.push(`Left out ${descriptor.digest} from ${candidate.source}: it is not an image for a platform (${descriptor.platform ? formatPlatform(descriptor.platform) : 'no platform'}) and not an attestation.`);
        }
    }
    const byPlatform = new Map();
    for (const image of images) {
        const key = platformKey(image.descriptor.platform);
        byPlatform.set(key, [...(byPlatform.get(key) ?? []), image]);
    }
    const duplicates = [...byPlatform.values()].filter((group) => group.length > 1);
    if (duplicates.length > 0) {
        throw new errors/* ActionError */.lZ(`Several images are for the same platform; a multi-platform image holds one per platform:\n${duplicates
            .map((group) => `- ${formatPlatform(group[0].descriptor.platform)}: ${group
            .map((image) => `${image.descriptor.digest} (${image.source})`)
            .join(' and ')}`)
            .join('\n')}`, 'Give each matrix leg a different platform, and merge only the digests of this run.');
    }
    images.sort((a, b) => comparePlatformEntries(a.descriptor, b.descriptor));
    const order = new Map(images.map((image, position) => [image.descriptor.digest, position]));
    const kept = attestations.filter((attestation) => {
        const subject = attestation.descriptor.annotations?.[ATTESTATION_SUBJECT_ANNOTATION];
        if (subject !== undefined && order.has(subject))
            return true;
        notes.push(`Left out attestation ${attestation.descriptor.digest} from ${attestation.source}: the image it describes (${subject ?? 'none named'}) is not in the merged index.`);
        return false;
    });
    const subjectOf = (candidate) => order.get(candidate.descriptor.annotations?.[ATTESTATION_SUBJECT_ANNOTATION]) ?? 0;
    kept.sort((a, b) => subjectOf(a) - subjectOf(b) || compareText(a.descriptor.digest, b.descriptor.digest));
    const entries = [...images, ...kept];
    const docker = entries.every((entry) => entry.descriptor.mediaType === MEDIA_TYPES.dockerManifest &&
        Object.keys(entry.descriptor.annotations ?? {}).length === 0);
    const mediaType = docker ? MEDIA_TYPES.dockerList : MEDIA_TYPES.ociIndex;
    const bytes = Buffer.from(JSON.stringify({
        schemaVersion: 2,
        mediaType,
        manifests: entries.map((entry) => serializeDescriptor(entry.descriptor)),
    }));
    return {
        mediaType,
        bytes,
        digest: digestOf(bytes),
        entries,
        platforms: images.map((image) => ({
            platform: formatPlatform(image.descriptor.platform),
            digest: image.descriptor.digest,
            source: image.source,
        })),
        attestations: kept.map((attestation) => ({
            digest: attestation.descriptor.digest,
            subject: attestation.descriptor.annotations?.[ATTESTATION_SUBJECT_ANNOTATION],
        })),
        notes,
    };
}
/** os[(os.version)]/architecture[/variant], as containerd formats a platform. */
function formatPlatform(platform) {
    const os = platform['os.version'] ? `${platform.os}(${platform['os.version']})` : platform.os;
    return [os, platform.architecture, platform.variant].filter(Boolean).join('/');
}
/** The platform an image config declares; undefined when it declares no os or architecture. */
function platformFromConfig(config) {
    return readPlatform(config);
}
function isAttestation(descriptor) {
    return descriptor.annotations?.[ATTESTATION_TYPE_ANNOTATION] === ATTESTATION_TYPE;
}
function isUnknownPlatform(platform) {
    return platform.os === 'unknown' && platform.architecture === 'unknown';
}
/**
 * Platforms that run the same images compare equal: architecture aliases and default variants
 * are normalised as containerd does (aarch64 = arm64 = arm64/v8, x86_64 = amd64 = amd64/v1).
 */
function platformKey(platform) {
    let architecture = platform.architecture.toLowerCase();
    let variant = (platform.variant ?? '').toLowerCase();
    if (architecture === 'aarch64')
        architecture = 'arm64';
    if (architecture === 'x86_64' || architecture === 'x86-64')
        architecture = 'amd64';
    if (architecture === 'i386')
        architecture = '386';
    if (architecture === 'arm64' && (variant === 'v8' || variant === '8'))
        variant = '';
    if (architecture === 'amd64' && variant === 'v1')
        variant = '';
    if (architecture === 'arm' && variant === '')
        variant = 'v7';
    return [
        platform.os.toLowerCase(),
        architecture,
        variant,
        platform['os.version'] ?? '',
        [...(platform['os.features'] ?? [])].sort().join(','),
    ].join('|');
}
function comparePlatformEntries(a, b) {
    const pa = a.platform;
    const pb = b.platform;
    return (compareText(pa.os, pb.os) ||
        compareText(pa.architecture, pb.architecture) ||
        compareText(pa.variant ?? '', pb.variant ?? '') ||
        compareText(pa['os.version'] ?? '', pb['os.version'] ?? '') ||
        compareText((pa['os.features'] ?? []).join(','), (pb['os.features'] ?? []).join(',')) ||
        compareText(a.digest, b.digest));
}
/** By code unit, not locale, so the order is the same on every runner. */
function compareText(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
/** Keys in the order of the OCI spec's Go types, so the bytes never depend on input order. */
function serializeDescriptor(descriptor) {
    const { platform, annotations } = descriptor;
    return {
        mediaType: descriptor.mediaType,
        digest: descriptor.digest,
        size: descriptor.size,
        ...(platform && {
            platform: {
                architecture: platform.architecture,
                os: platform.os,
                ...(platform['os.version'] && { 'os.version': platform['os.version'] }),
                ...(platform['os.features']?.length && { 'os.features': platform['os.features'] }),
                ...(platform.variant && { variant: platform.variant }),
            },
        }),
        ...(annotations &&
            Object.keys(annotations).length > 0 && {
            annotations: Object.fromEntries(Object.keys(annotations)
                .sort(compareText)
                .map((key) => [key, annotations[key]])),
        }),
    };
}
function readPlatform(value) {
    if (typeof value !== 'object' || value === null)
        return undefined;
    const record = value;
    const text = (key) => typeof record[key] === 'string' && record[key] !== '' ? record[key] : undefined;
    const architecture = text('architecture');
    const os = text('os');
    if (!architecture || !os)
        return undefined;
    const features = Array.isArray(record['os.features'])
        ? record['os.features'].filter((f) => typeof f === 'string')
        : [];
    return {
        architecture,
        os,
        ...(text('os.version') && { 'os.version': text('os.version') }),
        ...(features.length > 0 && { 'os.features': features }),
        ...(text('variant') && { variant: text('variant') }),
    };
}
function readAnnotations(value) {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
        return undefined;
    const entries = Object.entries(value).filter((entry) => typeof entry[1] === 'string');
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

;// CONCATENATED MODULE: ./src/image/registry/promote.ts





/** A source without tag or digest means `latest`, as it does for `docker pull`. */
const DEFAULT_TAG = 'latest';
async function planPromotion(clients, source, targets) {
    if (targets.length === 0) {
        throw new errors/* ActionError */.lZ('There is no tag to promote the image to.', 'Check the tags input.');
    }
    for (const target of targets)
        checkTarget(source, target);
    const client = clientFor(clients, source.registry);
    const sourceReference = source.digest ?? source.tag ?? DEFAULT_TAG;
    const shownSource = (0,image_reference/* formatReference */.FH)({
        ...source,
        tag: source.digest ? source.tag : sourceReference,
    });
    const manifest = await client.getManifest(source.repository, sourceReference);
    if (!manifest) {
        throw new errors/* ActionError */.lZ(`Source image ${shownSource} not found in registry ${source.registry}.`, 'Check the reference to promote from, and that the build that pushes it has run for this commit.');
    }
    const digest = digestOf(manifest.bytes);
    const planned = await planPush(clients, targets, digest);
    return {
        source: {
            ...source,
            ...(!source.digest && !source.tag && { tag: DEFAULT_TAG }),
            digest,
            mediaType: manifest.mediaType,
        },
        targets: planned,
    };
}
/**
 * Writes the plan: content a target repository lacks is mounted from the source repository
 * first, then the exact manifest bytes are PUT to each tag, and every tag is read back with a
 * HEAD to prove it now has the source digest. With `immutable`, a plan that would move an
 * immutable tag is refused before anything is written.
 */
async function promote(plan, clients, options = {}) {
    if (options.immutable) {
        const problems = (0,immutable/* checkImmutable */.VY)(plan, options.immutable);
        if (problems.length > 0)
            throw immutableTagsError(problems);
    }
    const { source } = plan;
    const client = clientFor(clients, source.registry);
    const manifest = await client.getManifest(source.repository, source.digest);
    if (!manifest) {
        throw new errors/* ActionError */.lZ(`Source image ${(0,image_reference/* formatReference */.FH)({ ...source, tag: undefined })} disappeared from the registry after it was planned.`, 'Something deleted it meanwhile (garbage collection or a retention policy); push it again.');
    }
    const toWrite = plan.targets.filter((target) => target.action !== 'unchanged');
    const repositories = new Set(toWrite.map((target) => target.reference.repository));
    repositories.delete(source.repository);
    for (const repository of repositories) {
        await copyContent(client, source.repository, repository, manifest.mediaType, manifest.bytes);
    }
    const { refs, written } = await writeTags(clients, plan.targets, manifest, 'promotion');
    return { digest: source.digest, refs, written };
}
function immutableTagsError(problems) {
    return new errors/* ActionError */.lZ(`Refusing to move immutable tags; nothing was pushed:\n${problems.map((p) => `- ${p}`).join('\n')}`, 'Release under a new version, or change immutable-tags if moving these tags is intended.');
}
/**
 * Makes `target` hold everything `mediaType`/`bytes` refer to: blobs are mounted from `source`
 * (no transfer), child manifests of an index are copied by digest, depth first.
 */
async function copyContent(client, source, target, mediaType, bytes) {
    const content = referencedContent(mediaType, bytes);
    for (const blob of content.blobs) {
        // Non-distributable layers live at their URLs, not in any repository.
        if (blob.urls || (await client.blobExists(target, blob.digest)))
            continue;
        if (!(await client.mountBlob(target, blob.digest, source))) {
            throw new errors/* ActionError */.lZ(`Registry ${client.registry} did not mount blob ${blob.digest} from ${source} into ${target}.`, `The account needs pull access to ${source} and push access to ${target}, and ${source} must still hold the blob.`);
        }
    }
    for (const child of content.manifests) {
        if (await client.headManifest(target, child.digest))
            continue;
        const manifest = await client.getManifest(source, child.digest);
        if (!manifest) {
            throw new errors/* ActionError */.lZ(`The source index in ${source} refers to ${child.digest}, which ${source} does not hold.`, 'Push the complete multi-platform image again before promoting it.');
        }
        await copyContent(client, source, target, manifest.mediaType, manifest.bytes);
        await client.putManifest(target, child.digest, manifest.bytes, manifest.mediaType);
    }
}
function checkTarget(source, target) {
    const shown = (0,image_reference/* formatReference */.FH)(target);
    if (target.tag === undefined || target.digest !== undefined) {
        throw new errors/* ActionError */.lZ(`Cannot promote to ${shown}: a promotion target is a tag without a digest.`, 'Name targets as registry/repository:tag.');
    }
    if (target.registry !== source.registry) {
        throw new errors/* ActionError */.lZ(`Cannot promote ${(0,image_reference/* formatReference */.FH)(source)} to ${shown}: promotion copies manifests within one registry, and ${target.registry} is not ${source.registry}.`, 'Push to the other registry with a build, or copy the image there with skopeo copy or crane copy.');
    }
}

;// CONCATENATED MODULE: ./src/image/registry/merge.ts







const IMAGE_CONFIG_TYPES = new Set([
    'application/vnd.oci.image.config.v1+json',
    'application/vnd.docker.container.image.v1+json',
]);
const MERGE_HINT = 'Each matrix leg pushes its platform by digest; the merge job needs every leg to have succeeded.';
/** Plans and writes the merge: the index is put under every target tag. */
async function mergePlatformImages(clients, sources, targets, options = {}) {
    const plan = await planMerge(clients, sources, targets);
    return writeMerge(plan, clients, options);
}
/** Reads every source and composes the index; writes nothing. */
async function planMerge(clients, sources, targets) {
    if (targets.length === 0) {
        throw new errors/* ActionError */.lZ('There is no tag to put the merged image under.', 'Check the images and tags inputs.');
    }
    if (sources.length === 0) {
        throw new errors/* ActionError */.lZ('There is no image to merge.', `Name each leg's digest. ${MERGE_HINT}`);
    }
    const [first] = targets;
    for (const target of targets)
        merge_checkTarget(first, target);
    const client = clientFor(clients, first.registry);
    const candidates = [];
    for (const [position, source] of sources.entries()) {
        const reference = resolveSource(source, first);
        candidates.push(...(await readSource(client, describeSource(source, reference, position, sources))));
    }
    const index = composeIndex(candidates);
    const planned = await planPush(client, [...targets], index.digest);
    return { registry: first.registry, index, targets: planned };
}
/**
 * Writes a plan: refuses to move immutable tags, copies the entries into each target
 * repository that lacks them, puts the index under each tag that does not have it yet, and
 * reads every tag back.
 */
async function writeMerge(plan, clients, options = {}) {
    const { index } = plan;
    if (options.immutable) {
        const problems = (0,immutable/* checkImmutable */.VY)({ source: { digest: index.digest }, targets: plan.targets }, options.immutable, 'merging');
        if (problems.length > 0)
            throw immutableTagsError(problems);
    }
    const client = clientFor(clients, plan.registry);
    const toWrite = plan.targets.filter((target) => target.action !== 'unchanged');
    const repositories = new Set(toWrite.map((target) => target.reference.repository));
    for (const repository of repositories) {
        for (const entry of index.entries)
            await copyEntry(client, entry, repository);
    }
    const { refs, written } = await writeTags(clients, plan.targets, index, 'merge');
    return {
        digest: index.digest,
        mediaType: index.mediaType,
        refs,
        written,
        platforms: index.platforms,
        attestations: index.attestations,
        notes: index.notes,
    };
}
function resolveSource(source, first) {
    const bare = source.repository === undefined || source.repository === '';
    if (bare && !source.digest) {
        throw new errors/* ActionError */.lZ(`A source to merge names neither an image nor a digest${source.from ? ` (${source.from})` : ''}.`, 'Name each source as sha256:<digest> or registry/repository@sha256:<digest>.');
    }
    const reference = bare
        ? { registry: first.registry, repository: first.repository, digest: source.digest }
        : {
            registry: source.registry ?? first.registry,
            repository: source.repository,
            ...(source.tag !== undefined && { tag: source.tag }),
            ...(source.digest !== undefined && { digest: source.digest }),
        };
    if (!reference.digest && !reference.tag) {
        throw new errors/* ActionError */.lZ(`Source ${(0,image_reference/* formatReference */.FH)(reference)} names neither a digest nor a tag.`, 'Name each source as registry/repository@sha256:<digest>, as the leg that built it reported.');
    }
    if (reference.registry !== first.registry) {
        throw new errors/* ActionError */.lZ(`Cannot merge ${(0,image_reference/* formatReference */.FH)(reference)} into ${(0,image_reference/* formatReference */.FH)(first)}: the merge copies manifests within one registry, and ${reference.registry} is not ${first.registry}.`, 'Push every leg to the registry of the tags, or copy the images there first (crane copy, skopeo copy).');
    }
    return reference;
}
function describeSource(source, reference, position, sources) {
    return {
        ...reference,
        from: source.from ?? `source ${position + 1} of ${sources.length}`,
    };
}
/** What one source offers: its own manifest with the platform of its config, or its entries. */
async function readSource(client, source) {
    const { repository } = source;
    const name = source.digest ?? source.tag;
    const shown = `${(0,image_reference/* formatReference */.FH)(source)} (${source.from})`;
    const manifest = await client.getManifest(repository, name);
    if (!manifest) {
        throw new errors/* ActionError */.lZ(`Image ${(0,image_reference/* formatReference */.FH)(source)} was not found in registry ${source.registry}: ${source.from} names it, so the build leg that reported it should have pushed it to ${source.registry}/${repository}.`, `Check that leg's log: it must push by digest to ${repository} (push-by-digest=true) and succeed before the merge job runs. ${MERGE_HINT}`);
    }
    if (!isIndexType(manifest.mediaType)) {
        const platform = await platformOf(client, repository, manifest.mediaType, manifest.bytes, shown);
        return [
            {
                descriptor: {
                    mediaType: manifest.mediaType,
                    digest: manifest.digest,
                    size: manifest.bytes.length,
                    platform,
                },
                source: shown,
                repository,
            },
        ];
    }
    const parsed = JSON.parse(manifest.bytes.toString('utf8'));
    const raw = Array.isArray(parsed.manifests) ? parsed.manifests : [];
    const descriptors = referencedContent(manifest.mediaType, manifest.bytes).manifests;
    const candidates = [];
    for (const [position, descriptor] of descriptors.entries()) {
        const entry = raw[position];
        const annotations = readAnnotations(entry.annotations);
        let platform = readPlatform(entry.platform);
        const attestation = isAttestation({ ...descriptor, ...(annotations && { annotations }) });
        if (!platform && !attestation && !isIndexType(descriptor.mediaType)) {
            // An index entry without a platform: the image's config says which platform it is for.
            const child = await client.getManifest(repository, descriptor.digest);
            if (!child) {
                throw new errors/* ActionError */.lZ(`${shown} refers to ${descriptor.digest}, which ${repository} does not hold.`, 'Push the image of that leg again.');
            }
            platform = await platformOf(client, repository, child.mediaType, child.bytes, shown);
        }
        candidates.push({
            descriptor: {
                mediaType: descriptor.mediaType,
                digest: descriptor.digest,
                size: descriptor.size,
                ...(platform && { platform }),
                ...(annotations && { annotations }),
            },
            source: shown,
            repository,
        });
    }
    return candidates;
}
async function platformOf(client, repository, mediaType, bytes, shown) {
    const config = referencedContent(mediaType, bytes).blobs[0];
    const manifest = JSON.parse(bytes.toString('utf8'));
    if (!config || manifest.config === undefined) {
        throw new errors/* ActionError */.lZ(`${shown} is an image manifest without a config; it cannot be merged.`);
    }
    if (!IMAGE_CONFIG_TYPES.has(config.mediaType)) {
        throw new errors/* ActionError */.lZ(`${shown} is not a container image (its config is ${config.mediaType}); only images can be merged into a multi-platform image.`);
    }
    const blob = await client.getBlob(repository, config.digest);
    if (!blob) {
        throw new errors/* ActionError */.lZ(`The config ${config.digest} of ${shown} is missing from ${repository}.`, 'Push the image of that leg again.');
    }
    let parsed;
    try {
        parsed = JSON.parse(blob.toString('utf8'));
    }
    catch {
        throw new errors/* ActionError */.lZ(`The config ${config.digest} of ${shown} is not JSON.`);
    }
    const platform = readPlatform(parsed);
    if (!platform || isUnknownPlatform(platform)) {
        throw new errors/* ActionError */.lZ(`The config of ${shown} names no platform (os and architecture), so it cannot be placed in a multi-platform image.`, 'Merge the images the platform builds pushed, not attestations or other artifacts.');
    }
    return platform;
}
/** Makes `repository` hold the entry's manifest and everything it refers to. */
async function copyEntry(client, entry, repository) {
    const from = entry.repository;
    const { digest } = entry.descriptor;
    if (from === undefined || from === repository)
        return;
    if (await client.headManifest(repository, digest, { forPush: true }))
        return;
    const manifest = await client.getManifest(from, digest);
    if (!manifest) {
        throw new errors/* ActionError */.lZ(`${digest} (${entry.source}) disappeared from ${from} after it was read.`, 'Something deleted it meanwhile (garbage collection or a retention policy); re-run the leg that built it.');
    }
    for (const blob of referencedContent(manifest.mediaType, manifest.bytes).blobs) {
        // Non-distributable layers live at their URLs, not in any repository.
        if (blob.urls || (await client.blobExists(repository, blob.digest)))
            continue;
        if (!(await client.mountBlob(repository, blob.digest, from))) {
            throw new errors/* ActionError */.lZ(`Registry ${client.registry} did not mount blob ${blob.digest} from ${from} into ${repository}.`, `The account needs pull access to ${from} and push access to ${repository}, and ${from} must still hold the blob.`);
        }
    }
    await client.putManifest(repository, digest, manifest.bytes, manifest.mediaType);
}
function merge_checkTarget(first, target) {
    const shown = (0,image_reference/* formatReference */.FH)(target);
    if (target.tag === undefined || target.digest !== undefined) {
        throw new errors/* ActionError */.lZ(`Cannot put the merged image under ${shown}: a target is a tag without a digest.`, 'Name targets as registry/repository:tag.');
    }
    if (target.registry !== first.registry) {
        throw new errors/* ActionError */.lZ(`Cannot merge into both ${(0,image_reference/* formatReference */.FH)(first)} and ${shown}: the merge copies manifests within one registry, and ${target.registry} is not ${first.registry}.`, 'Merge once per registry, with the legs pushing to each, or copy the result with crane copy or skopeo copy.');
    }
}

;// CONCATENATED MODULE: ./src/image/registry/merge-sources.ts



/**
 * The sources of a merge as users write them, one per line of an input or one per digest file:
 *
 * - `sha256:<hex>`: that digest in the first target's repository;
 * - `<64 hex digits>`: the same, as Docker's recipe names its digest files (`${digest#sha256:}`);
 * - `registry/repository@sha256:<hex>` (or `...:tag`): that image, copied into the targets'
 *   repositories when it lives elsewhere in the same registry.
 *
 * A directory holds one file per leg: a file named by a digest (hex, `sha256:<hex>` or
 * `sha256-<hex>`, usually empty, as Docker's recipe uploads them) names that digest; any other
 * file names the digest or reference in its content (`echo "$digest" > digests/linux-arm64`).
 * Errors about a source quote where it came from (`line 2 of merge-digests`,
 * `digest file digests/linux-arm64`), which tells the user which leg should have pushed it.
 */
const BARE_DIGEST = /^(sha256|sha512)[:-]([a-f0-9]+)$/;
const HEX = /^[a-f0-9]+$/;
/** A bare digest, or undefined when `text` is not one. */
function parseBareDigest(text) {
    const trimmed = text.trim();
    const prefixed = BARE_DIGEST.exec(trimmed);
    if (prefixed && prefixed[2].length === image_reference/* DIGEST_HEX_LENGTH */.mK[prefixed[1]]) {
        return `${prefixed[1]}:${prefixed[2]}`;
    }
    if (HEX.test(trimmed) && trimmed.length === image_reference/* DIGEST_HEX_LENGTH */.mK.sha256)
        return `sha256:${trimmed}`;
    return undefined;
}
/**
 * One source. Throws InvalidReferenceError (from parseReference) for a malformed reference,
 * which the caller turns into an InputError naming its input.
 */
function parseMergeSource(text, from) {
    const digest = parseBareDigest(text);
    if (digest)
        return { digest, ...(from && { from }) };
    // Without this, `sha256:abc` would read as the Docker Hub image library/sha256, tag abc.
    const algorithm = /^(sha256|sha512)[:-]/.exec(text.trim());
    if (algorithm) {
        throw new image_reference/* InvalidReferenceError */.x_(text.trim(), `a ${algorithm[1]} digest has exactly ${image_reference/* DIGEST_HEX_LENGTH */.mK[algorithm[1]]} lowercase hex digits`);
    }
    return { ...(0,image_reference/* parseReference */.F2)(text), ...(from && { from }) };
}
/** The sources of a multi-line input: blank lines and `#` comments are skipped. */
function parseMergeSourceLines(input, text) {
    const sources = [];
    for (const [position, line] of text.split(/\r?\n/).entries()) {
        const trimmed = line.trim();
        if (trimmed === '' || trimmed.startsWith('#'))
            continue;
        sources.push(parseMergeSource(trimmed, `line ${position + 1} of ${input}`));
    }
    return sources;
}
/**
 * The sources in a directory of digest files, in file name order (the merged index does not
 * depend on it). Subdirectories are read too, so `actions/download-artifact` without
 * `merge-multiple` (one directory per leg's artifact) works as well.
 */
async function readDigestDirectory(directory) {
    const sources = [];
    const visit = async (dir) => {
        const names = (await (0,promises_.readdir)(dir)).sort();
        for (const name of names) {
            if (name.startsWith('.'))
                continue;
            const file = external_node_path_default().join(dir, name);
            const shown = `digest file ${external_node_path_default().relative(external_node_path_default().dirname(directory), file)}`;
            if ((await (0,promises_.stat)(file)).isDirectory()) {
                await visit(file);
                continue;
            }
            const named = parseBareDigest(name);
            if (named) {
                sources.push({ digest: named, from: shown });
                continue;
            }
            const content = (await (0,promises_.readFile)(file, 'utf8')).trim();
            if (content === '') {
                throw new Error(`${shown} is empty and its name is not a digest; name it by the digest or write the digest into it`);
            }
            sources.push(parseMergeSource(content, shown));
        }
    };
    await visit(directory);
    return sources;
}
/**
 * The value of a merge input: each line a source (as parseMergeSource reads it) or the path of
 * a directory of digest files (as readDigestDirectory reads it), relative to `cwd`. A path is
 * recognised by existing; a line that is neither a digest nor an existing path must be an image
 * reference. Throws InvalidReferenceError for a malformed reference and a plain Error whose
 * message completes "Input 'x' " for an unusable directory, for the caller to wrap.
 */
async function readMergeInput(input, text, cwd = process.cwd()) {
    const sources = [];
    for (const [position, line] of text.split(/\r?\n/).entries()) {
        const trimmed = line.trim();
        if (trimmed === '' || trimmed.startsWith('#'))
            continue;
        const from = `line ${position + 1} of ${input}`;
        if (!parseBareDigest(trimmed)) {
            const location = external_node_path_default().resolve(cwd, trimmed);
            const found = await (0,promises_.stat)(location).catch(() => undefined);
            if (found?.isDirectory()) {
                const inDirectory = await readDigestDirectory(location).catch((error) => {
                    throw new Error(`names directory ${trimmed}, where ${error.message}`, {
                        cause: error,
                    });
                });
                if (inDirectory.length === 0) {
                    throw new Error(`names directory ${trimmed}, which holds no digest files: did the build legs upload them and this job download them?`);
                }
                sources.push(...inDirectory);
                continue;
            }
            if (found)
                throw new Error(`names ${trimmed}, which is a file; name the directory it is in`);
        }
        sources.push(parseMergeSource(trimmed, from));
    }
    return sources;
}

;// CONCATENATED MODULE: ./src/image/merge-image.ts









const EXAMPLE = '${{ runner.temp }}/digests';
/**
 * The last job of a multi-platform build on matrix runners: each leg pushed its platform's image
 * by digest; this joins them into one image index under the computed tags, through the registry
 * API (nothing is pulled or rebuilt).
 */
async function mergeImages(settings, registries, base) {
    const sources = await readMergeInput('merge-digests', settings.mergeDigests, settings.workspace).catch((error) => {
        if (error instanceof image_reference/* InvalidReferenceError */.x_) {
            throw new errors/* InputError */.dz('merge-digests', `has '${error.text}', which is not a valid image reference: ${error.reason}.`, EXAMPLE);
        }
        throw new errors/* InputError */.dz('merge-digests', error.message, EXAMPLE);
    });
    const started = Date.now();
    const result = await mergePlatformImages(registries, sources, base.tags.map((tag) => parseTarget(tag)), { immutable: settings.immutableTags ?? [immutable/* DEFAULT_IMMUTABLE */.VK] }).catch(async (error) => {
        if (error instanceof PartialPushError)
            await reportPartialWrite(error);
        throw error;
    });
    if (result.notes.length > 0)
        lib_core/* notice */.lm(result.notes.join('\n'));
    const unchanged = result.refs.length - result.written.length;
    return {
        ...base,
        kind: 'merged',
        digest: result.digest,
        refs: result.refs,
        platforms: result.platforms,
        durationMs: Date.now() - started,
        notes: [
            ...result.notes,
            ...(unchanged > 0
                ? [`${unchanged} tag(s) already pointed at this index and were left alone.`]
                : []),
        ],
    };
}

;// CONCATENATED MODULE: ./src/image/promote-image.ts







/**
 * Copies the manifest `promote-from` names to every computed tag, then reads each tag back: the
 * release is the very image that was built and tested, under a new name.
 */
async function promoteImage(settings, sourceText, registries, base) {
    let source;
    try {
        source = (0,image_reference/* parseReference */.F2)(sourceText);
    }
    catch (error) {
        const invalid = error;
        throw new errors/* InputError */.dz('promote-from', invalid.problem ?? error.message, invalid.example ?? 'ghcr.io/octo-org/app:sha-{{sha}}');
    }
    const started = Date.now();
    const plan = await planPromotion(registries, source, base.tags.map((tag) => parseTarget(tag)));
    const result = await promote(plan, registries, {
        immutable: settings.immutableTags ?? [immutable/* DEFAULT_IMMUTABLE */.VK],
    }).catch(async (error) => {
        if (error instanceof PartialPushError)
            await reportPartialWrite(error);
        throw error;
    });
    // promote() read every tag back and failed unless it held the digest.
    const verified = result.refs.map((ref) => ({ ref, digest: result.digest }));
    return {
        ...base,
        kind: 'promoted',
        digest: result.digest,
        refs: result.refs,
        source: (0,image_reference/* formatReference */.FH)({ ...plan.source, digest: undefined }),
        verified,
        durationMs: Date.now() - started,
        notes: describeWrites(plan, result.written),
    };
}
function describeWrites(plan, written) {
    const unchanged = plan.targets.filter((target) => target.action === 'unchanged').length;
    return unchanged > 0
        ? [
            `${unchanged} tag(s) already pointed at this digest and were left alone; ${written.length} written.`,
        ]
        : [];
}

;// CONCATENATED MODULE: ./src/image/act.ts




/**
 * What a run does besides computing metadata: build (and push), push a built image, merge or
 * promote. main.ts imports this module only for those tasks, so a metadata-only run (`build:
 * false`) never loads the builders or the registry client.
 */
async function act(settings, context, metadata, promoteSource, access, base) {
    const registries = registryClients(settings, access);
    switch (settings.task) {
        case 'promote':
            return promoteImage(settings, promoteSource, registries, base);
        case 'merge':
            return mergeImages(settings, registries, base);
        case 'build':
            return buildImage({
                settings,
                metadata,
                registries,
                access,
                base,
                repositoryPrivate: repositoryPrivate(context),
            });
        case 'push-built':
            return pushBuiltImage({ settings, metadata, registries, access, base });
        case 'metadata':
            return base;
    }
}
/** The event's word on visibility; build-push-action's default provenance depends on it. */
function repositoryPrivate(context) {
    const repository = context.payload.repository;
    return typeof repository?.private === 'boolean' ? repository.private : undefined;
}


/***/ })

};

//# sourceMappingURL=620.index.js.map