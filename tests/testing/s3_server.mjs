// Started by tests/testing/s3_server.cc: an s3rver (npm s3rver 3.7.1, an S3-compatible server)
// on an ephemeral port of 127.0.0.1 with its data in a fresh temporary directory and one
// bucket, plus the strict proxy in front of it (s3_strict_proxy.mjs: signatures and
// If-None-Match as real S3). Prints one line when both listen:
//   {"port": S3RVER_PORT, "strictPort": PROXY_PORT}
// and runs until its stdin closes (the test process exited, however it ended), then removes
// the directory.
//
// Usage: node tests/testing/s3_server.mjs BUCKET ACCESS_KEY SESSION_TOKEN
//   The secret key comes from $ICESYNC_S3_TEST_SECRET (s3rver's own key pair is fixed:
//   S3RVER/S3RVER).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import S3rver from 's3rver';

import { startStrictProxy } from './s3_strict_proxy.mjs';

const [bucket, accessKey, sessionToken] = process.argv.slice(2);
const secretKey = process.env.ICESYNC_S3_TEST_SECRET || '';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'icesync-s3rver-'));
const s3rver = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: dir,
  configureBuckets: [{ name: bucket }],
});
const { port } = await s3rver.run();
const proxy = await startStrictProxy({ upstream: `http://127.0.0.1:${port}`, accessKey, secretKey, sessionToken });
process.stdout.write(JSON.stringify({ port, strictPort: proxy.address().port }) + '\n');

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  proxy.close();
  proxy.closeAllConnections?.();
  try {
    await s3rver.close();
  } catch {}
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
