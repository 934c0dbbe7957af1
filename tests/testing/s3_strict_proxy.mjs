// A test double for real S3 behaviour that s3rver lacks, as an HTTP proxy in front of it.
//
// s3rver (the S3-compatible server the tests run) checks only that the access key id is its
// own: it accepts any signature, and it ignores `If-None-Match: *` (a second PUT overwrites).
// Real S3 does both, and icesync depends on both (a wrong secret must fail clearly; exclusive
// creates make the filesystem catalog's commit atomic). This proxy stands in for them:
//   (a) every request must carry a valid AWS Signature Version 4 Authorization header for the
//       configured key pair, computed here from the request as S3 does (canonical request:
//       method, URI-encoded path, sorted canonical query, canonical headers, signed headers,
//       payload hash; string to sign; HMAC chain) — else 403 SignatureDoesNotMatch (or
//       InvalidAccessKeyId, AccessDenied); when a session token is configured it must be sent,
//       and signed, as x-amz-security-token — else 403 InvalidToken;
//   (b) a PUT with `If-None-Match: *` (not an UploadPart) of a key that exists answers
//       412 PreconditionFailed; PUTs of one key are serialised here so the check and the write
//       are atomic, as S3's are.
// Transient failures, on request, by key name (for retry tests; S3 produces them under load):
//   a key containing "__slowdown_N__" answers its first N requests 503 SlowDown;
//   a key containing "__lost_answer__" has its first PUT stored and answered 500, as when
//   S3's answer is lost after the write landed.
// Everything else is forwarded to s3rver unchanged.
//
// Spec followed: AWS's "Create a signed AWS API request" (SigV4) and S3's "Signature
// Calculations for the Authorization Header" (S3 encodes the path once and does not normalise
// it).
import crypto from 'node:crypto';
import http from 'node:http';

const sha256hex = (data) => crypto.createHash('sha256').update(data).digest('hex');
const hmac = (key, data) => crypto.createHmac('sha256', key).update(data).digest();

// RFC 3986 encoding as SigV4 wants it: unreserved characters kept, everything else %XX (upper).
function uriEncode(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function decode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

function canonicalUri(rawPath) {
  const segments = rawPath.split('/').map(decode);
  if (segments.some((s) => s === null)) return null;
  return segments.map(uriEncode).join('/') || '/';
}

function canonicalQuery(rawQuery) {
  if (!rawQuery) return '';
  const pairs = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decode(eq < 0 ? part : part.slice(0, eq));
    const value = decode(eq < 0 ? '' : part.slice(eq + 1));
    if (name === null || value === null) return null;
    pairs.push([uriEncode(name), uriEncode(value)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

function headerValues(req) {
  const values = new Map();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i].toLowerCase();
    const value = req.rawHeaders[i + 1].trim().replace(/\s+/g, ' ');
    values.set(name, values.has(name) ? `${values.get(name)},${value}` : value);
  }
  return values;
}

// null when the request is correctly signed, else [code, message].
export function checkSignature(req, body, { accessKey, secretKey, sessionToken }) {
  const auth = req.headers.authorization || '';
  const m = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return ['AccessDenied', 'The request carries no valid AWS4-HMAC-SHA256 Authorization header.'];
  const [, keyId, date, region, service, signedHeaderList, signature] = m;
  if (keyId !== accessKey) return ['InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.'];
  const headers = headerValues(req);
  const signed = signedHeaderList.split(';');
  if (!signed.includes('host')) return ['AccessDenied', 'The host header must be signed.'];
  for (const name of headers.keys()) {
    if (name.startsWith('x-amz-') && !signed.includes(name)) return ['AccessDenied', `Header ${name} is not signed.`];
  }
  if (sessionToken && headers.get('x-amz-security-token') !== sessionToken) {
    return ['InvalidToken', 'The provided token is malformed or otherwise invalid.'];
  }
  const payloadHash = headers.get('x-amz-content-sha256');
  if (!payloadHash) return ['InvalidRequest', 'Missing required header for this request: x-amz-content-sha256'];
  if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== sha256hex(body)) {
    return ['XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed."];
  }
  const amzDate = headers.get('x-amz-date') || '';
  if (!amzDate.startsWith(date)) return ['AccessDenied', 'x-amz-date does not match the credential scope date.'];
  const q = req.url.indexOf('?');
  const uri = canonicalUri(q < 0 ? req.url : req.url.slice(0, q));
  const query = canonicalQuery(q < 0 ? '' : req.url.slice(q + 1));
  if (uri === null || query === null) return ['InvalidURI', 'Could not parse the specified URI.'];
  const canonicalHeaders = signed.map((n) => `${n}:${headers.get(n) ?? ''}\n`).join('');
  const canonicalRequest = [req.method, uri, query, canonicalHeaders, signedHeaderList, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256hex(canonicalRequest)].join('\n');
  let key = hmac('AWS4' + secretKey, date);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  const expected = crypto.createHmac('sha256', key).update(stringToSign).digest('hex');
  if (!crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
    return ['SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.'];
  }
  return null;
}

function sendError(res, status, code, message) {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(xml) });
  res.end(xml);
}

function forward(upstream, req, body, method = req.method) {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers };
    delete headers['if-none-match'];
    if (method === 'HEAD') {
      // The existence check sends no body: a Content-Length left here would make s3rver read
      // the next request on the kept-alive connection as this one's body.
      for (const h of ['content-length', 'content-type', 'transfer-encoding', 'content-md5']) delete headers[h];
    }
    const out = http.request({ host: upstream.hostname, port: upstream.port, method, path: req.url, headers }, resolve);
    out.on('error', reject);
    out.end(method === 'HEAD' ? undefined : body);
  });
}

// Starts the proxy on 127.0.0.1 (an ephemeral port unless `port` is given); resolves to the
// http.Server once listening.
export function startStrictProxy({ upstream, accessKey, secretKey, sessionToken = '', port = 0 }) {
  const target = new URL(upstream);
  const keyLocks = new Map();  // path -> promise of the last PUT of it
  const seen = new Map();  // path -> requests so far (fault injection only)
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      try {
        const refused = checkSignature(req, body, { accessKey, secretKey, sessionToken });
        if (refused) return sendError(res, 403, ...refused);
        const path = req.url.split('?')[0];
        const count = (seen.get(path) || 0) + 1;
        seen.set(path, count);
        const slowdown = /__slowdown_(\d+)__/.exec(path);
        if (slowdown && count <= Number(slowdown[1])) return sendError(res, 503, 'SlowDown', 'Please reduce your request rate.');
        const loseAnswer = path.includes('__lost_answer__') && req.method === 'PUT' && count === 1;
        const isPart = /[?&]uploadId=/.test(req.url);
        const exclusive = req.method === 'PUT' && !isPart && req.headers['if-none-match'] === '*';
        const run = async () => {
          if (exclusive) {
            const head = await forward(target, req, body, 'HEAD');
            head.resume();
            if (head.statusCode === 200) {
              return sendError(res, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
            }
          }
          const answer = await forward(target, req, body);
          if (loseAnswer) {
            answer.resume();
            return sendError(res, 500, 'InternalError', 'We encountered an internal error. Please try again.');
          }
          res.writeHead(answer.statusCode, answer.headers);
          answer.pipe(res);
          await new Promise((done) => answer.on('end', done));
        };
        if (req.method !== 'PUT') return await run();
        const previous = keyLocks.get(path) || Promise.resolve();
        const mine = previous.then(run, run);
        keyLocks.set(path, mine.catch(() => {}));
        await mine;
        if (keyLocks.get(path) === mine) keyLocks.delete(path);
      } catch (e) {
        if (!res.headersSent) sendError(res, 502, 'ProxyError', String(e && e.message));
        else res.destroy();
      }
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
