// The reference upstream server (taoli-upstream) on 127.0.0.1 for the 报送
// tests, and the county's side of it: enrollment codes and the reviewer's
// decisions through its own command line, the pending records read from its
// /review page.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { upstreamBinary } from './app.mjs';

/** Starts a server with a fresh database; returns { url, db, stop }. */
export async function startUpstream() {
  const db = join(mkdtempSync(join(tmpdir(), 'taoli-upstream-')), 'upstream.db');
  const child = spawn(upstreamBinary, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--admin'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const url = await new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`taoli-upstream did not start: ${err}`)), 15_000);
    child.stdout.on('data', (d) => {
      out += d;
      const found = /listening on (http:\/\/\S+)/.exec(out);
      if (found) {
        clearTimeout(timer);
        ok(found[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`taoli-upstream exited with ${code}: ${err}`));
    });
  });
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  return { url, db, stop };
}

/** A one-time 报送码 for `school`, as the county issues it. */
export function enrollmentCode(db, school) {
  return execFileSync(upstreamBinary, ['enroll-code', '--db', db, '--school', school], { encoding: 'utf8' }).trim();
}

/** The receipt key's fingerprint, as the county prints it for its schools. */
export function upstreamFingerprint(db) {
  return execFileSync(upstreamBinary, ['fingerprint', '--db', db], { encoding: 'utf8' }).trim();
}

/** The reviewer accepts (生效) a record of a batch. */
export function accept(db, batch, record) {
  execFileSync(upstreamBinary, ['review', '--db', db, '--batch', batch, '--record', record, '--accept']);
}

/** The reviewer returns (退回) a record of a batch with `reason`. */
export function sendBack(db, batch, record, reason) {
  execFileSync(upstreamBinary, ['review', '--db', db, '--batch', batch, '--record', record, '--return', reason]);
}

function unescape(html) {
  return html
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * The records waiting for review, as the reviewer's page lists them:
 * { batch, sequence, record, teacher, change } (change: the change as the
 * school sent it).
 */
export async function pendingRecords(url) {
  const page = await (await fetch(`${url}/review`)).text();
  const row = /<tr><td>[^<]*<\/td><td>第 (\d+) 批<br><code>([^<]+)<\/code><\/td><td><code>([^<]+)<\/code><\/td><td>(?:[^<]|<br>)*<\/td><td><code>([^<]*)<\/code><\/td><td><pre>([\s\S]*?)<\/pre>/g;
  const records = [];
  for (const m of page.matchAll(row)) {
    records.push({
      sequence: Number(m[1]),
      batch: unescape(m[2]),
      record: unescape(m[3]),
      teacher: unescape(m[4]),
      change: JSON.parse(unescape(m[5])),
    });
  }
  return records;
}
