// The county console in a real headless Chromium against a real
// taoli-upstream: the server on a fresh SQLite database seeded through its
// own command line and a school's real signed upload (the console_school
// example), chromedriver and a WebdriverIO session over it.
//
// Every WebDriver call has a timeout; every test ends by stopping what it
// started (by process id), so a hung browser never outlives its test.

import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { remote } from 'webdriverio';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../../..');
const targetDir = process.env.CARGO_TARGET_DIR || join(repoRoot, 'target');
export const upstreamBinary = join(targetDir, 'debug', 'taoli-upstream');
export const schoolBinary = join(targetDir, 'debug', 'examples', 'console_school');
export const screenshotDir = resolve(
  process.env.TAOLI_SCREENSHOT_DIR || join(repoRoot, 'tests/e2e/artifacts/screenshots'),
);
const chromium = process.env.TAOLI_CHROMIUM || '/usr/bin/chromium';
const chromedriver = process.env.TAOLI_CHROMEDRIVER || '/usr/bin/chromedriver';

export const CALL_TIMEOUT_MS = 20_000;

/** The password of every seeded account. */
export const PASSWORD = 'county2027pass';

export const SANTAI_SCHOOL = '2151072201';
export const SILENT_SCHOOL = '2151072202';
export const FUCHENG_SCHOOL = '2151070301';

function cli(args, input) {
  return execFileSync(upstreamBinary, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] }).trim();
}

export function registerSchool(db, school, name, county) {
  cli(['register-school', '--db', db, '--school', school, '--name', name, '--county', county]);
}

export function addOfficer(db, username, name, org, role) {
  cli(['add-officer', '--db', db, '--username', username, '--name', name, '--org', org, '--role', role], `${PASSWORD}\n`);
}

export function enrollmentCode(db, school) {
  return cli(['enroll-code', '--db', db, '--school', school]);
}

/** 逐级审核: the levels a record is reviewed at, in turn (e.g. 'county,city'). */
export function setReviewLevels(db, levels) {
  cli(['set-review-levels', '--db', db, levels]);
}

/** The reviewer decides a record at the server's command line (as another reviewer would meanwhile). */
export function acceptAtCli(db, batch, record) {
  cli(['review', '--db', db, '--batch', batch, '--record', record, '--accept']);
}

/**
 * A school enrolls with a fresh 报送码 and uploads a real signed batch of
 * `teachers` new teachers; with `correct`, its first teacher is accepted
 * and a second batch asks to correct their 姓名. Returns { batches }.
 */
export function schoolUploads(url, db, school, { teachers = 3, correct = false } = {}) {
  const code = enrollmentCode(db, school);
  const args = ['--url', url, '--school', school, '--code', code, '--teachers', String(teachers)];
  if (correct) args.push('--db', db, '--correct');
  return JSON.parse(execFileSync(schoolBinary, args, { encoding: 'utf8' }));
}

/**
 * A server on a fresh database: three schools (two in 三台县 510722, one in
 * 涪城区 510703), 张科员 (santai, 信息管理员 of 三台县) and 李主任
 * (mianyang, 系统管理员 of 绵阳市 510700). Returns { url, db, stop }.
 */
export async function startUpstream({ prepare } = {}) {
  const db = join(mkdtempSync(join(tmpdir(), 'taoli-console-')), 'upstream.db');
  registerSchool(db, SANTAI_SCHOOL, '三台县第一小学', '510722');
  registerSchool(db, SILENT_SCHOOL, '三台县芦溪中学', '510722');
  registerSchool(db, FUCHENG_SCHOOL, '涪城区实验小学', '510703');
  addOfficer(db, 'santai', '张科员', '510722', 'info_admin');
  addOfficer(db, 'mianyang', '李主任', '510700', 'system_admin');
  if (prepare) prepare(db);
  const child = spawn(upstreamBinary, ['serve', '--db', db, '--listen', '127.0.0.1:0'], {
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

function freePort() {
  return new Promise((ok, fail) => {
    const server = net.createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

async function waitForPort(port, child, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`chromedriver exited with ${child.exitCode}`);
    const open = await new Promise((ok) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); ok(true); });
      socket.once('error', () => ok(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`chromedriver did not listen on ${port} within ${ms} ms`);
}

/**
 * Headless Chromium with a fresh profile and download folder, driven by
 * chromedriver. Returns { browser, downloads, stop }; call stop() in a
 * finally block.
 */
export async function openBrowser() {
  const root = mkdtempSync(join(tmpdir(), 'taoli-console-chromium-'));
  const downloads = join(root, 'downloads');
  mkdirSync(downloads, { recursive: true });
  const port = await freePort();
  const driver = spawn(chromedriver, [`--port=${port}`], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let driverLog = '';
  driver.stderr.on('data', (d) => { driverLog += d; });
  const kill = () => {
    try {
      process.kill(-driver.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    driver.stderr.destroy();
  };
  try {
    await waitForPort(port, driver, 15_000);
    const browser = await remote({
      hostname: '127.0.0.1',
      port,
      path: '/',
      logLevel: 'error',
      connectionRetryTimeout: 60_000,
      connectionRetryCount: 1,
      waitforTimeout: CALL_TIMEOUT_MS,
      capabilities: {
        browserName: 'chrome',
        'wdio:enforceWebDriverClassic': true,
        'goog:chromeOptions': {
          binary: chromium,
          args: [
            '--headless=new',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-dev-shm-usage',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--window-size=1366,900',
            `--user-data-dir=${join(root, 'profile')}`,
          ],
          prefs: {
            'download.default_directory': downloads,
            'download.prompt_for_download': false,
            'intl.accept_languages': 'zh-CN',
          },
        },
      },
    });
    await browser.setTimeout({ implicit: 0, script: CALL_TIMEOUT_MS, pageLoad: 30_000 });
    const stop = async () => {
      await Promise.race([browser.deleteSession().catch(() => {}), new Promise((r) => setTimeout(r, 10_000))]);
      kill();
    };
    return { browser, downloads, stop };
  } catch (error) {
    kill();
    throw new Error(`${error.message}\n--- chromedriver ---\n${driverLog}`);
  }
}

/** The files in the download folder that are complete. */
export function downloadedFiles(dir) {
  return readdirSync(dir).filter((f) => !f.endsWith('.crdownload') && !f.startsWith('.'));
}

export function byTestId(browser, id) {
  return browser.$(`[data-testid="${id}"]`);
}

/** Waits until `predicate` holds; fails with `message` and a screenshot. */
export async function until(browser, predicate, message) {
  try {
    await browser.waitUntil(predicate, { timeout: CALL_TIMEOUT_MS, interval: 200, timeoutMsg: message });
  } catch (error) {
    const shot = await screenshot(browser, `console-failed-${Date.now()}`).catch(() => 'none');
    error.message += ` (screenshot: ${shot})`;
    throw error;
  }
}

/** The text content of every element carrying data-testid, read at once. */
export function textsOf(browser, id) {
  return browser.execute(
    (testId) => Array.from(document.querySelectorAll(`[data-testid="${testId}"]`)).map((e) => e.textContent.trim()),
    id,
  );
}

export async function textOf(browser, id) {
  return (await textsOf(browser, id)).join('\n');
}

/** Waits for an element with data-testid whose text contains `text`. */
export async function untilText(browser, id, text) {
  await until(browser, async () => (await textsOf(browser, id)).some((t) => t.includes(text)), `no [data-testid="${id}"] with 「${text}」`);
}

/** Clicks, waiting out what covers the element for a moment (a toast, a dialog's fade). */
export async function clickWhenFree(browser, element) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await element.click();
      return;
    } catch (error) {
      const transient = /intercepted|not interactable/.test(String(error.message));
      if (!transient || attempt >= 20) throw error;
      await browser.pause(250);
    }
  }
}

export async function click(browser, id) {
  const el = await byTestId(browser, id);
  await el.waitForClickable({ timeout: CALL_TIMEOUT_MS });
  await clickWhenFree(browser, el);
}

/** Types into the input of data-testid (or the input inside it), replacing its value. */
export async function fill(browser, id, text) {
  const el = await byTestId(browser, id);
  await el.waitForExist({ timeout: CALL_TIMEOUT_MS });
  const tag = await el.getTagName();
  const input = tag === 'input' || tag === 'textarea' ? el : await el.$('input, textarea');
  await input.waitForDisplayed({ timeout: CALL_TIMEOUT_MS });
  await clickWhenFree(browser, input);
  await input.clearValue();
  await input.setValue(text);
  if ((await input.getValue()) !== text) {
    // Element Plus kept the old value (clearValue fires no input event).
    await browser.keys(['Control', 'a']);
    await browser.keys('Backspace');
    await input.addValue(text);
  }
  const value = await input.getValue();
  if (value !== text) throw new Error(`[data-testid="${id}"] holds 「${value}」, not 「${text}」`);
}

/** The Element Plus toasts on screen. */
export function messages(browser) {
  return browser.execute(() => Array.from(document.querySelectorAll('.el-message')).map((e) => e.textContent.trim()));
}

export async function untilMessage(browser, text) {
  await until(browser, async () => (await messages(browser)).some((m) => m.includes(text)), `no message 「${text}」`);
}

/**
 * Saves a screenshot once the page's finite transitions have ended (a dialog
 * fading in, another fading out; at most 3 s) and two animation frames have
 * been drawn, so it shows the screen at rest.
 */
export async function screenshot(browser, name) {
  mkdirSync(screenshotDir, { recursive: true });
  await browser.executeAsync((done) => {
    const started = performance.now();
    const settled = () =>
      document.getAnimations().every(
        (a) => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity,
      );
    const wait = () => {
      if (settled() || performance.now() - started > 3000) {
        requestAnimationFrame(() => requestAnimationFrame(() => done()));
      } else {
        setTimeout(wait, 50);
      }
    };
    wait();
  });
  const path = join(screenshotDir, `${name}.png`);
  await browser.saveScreenshot(path);
  return path;
}

/** Opens the console and signs in; waits for the 进度 page. */
export async function signIn(browser, url, username, password = PASSWORD) {
  await browser.url(`${url}/console/`);
  await byTestId(browser, 'login').then((e) => e.waitForExist({ timeout: CALL_TIMEOUT_MS }));
  await fill(browser, 'login-username', username);
  await fill(browser, 'login-password', password);
  await click(browser, 'login-submit');
  await byTestId(browser, 'progress-page').then((e) => e.waitForExist({ timeout: CALL_TIMEOUT_MS }));
}

/** 退出登录, back at the login page. */
export async function signOut(browser) {
  await click(browser, 'sign-out');
  await byTestId(browser, 'login').then((e) => e.waitForExist({ timeout: CALL_TIMEOUT_MS }));
}

/** Goes to a page by its menu item. */
export async function goTo(browser, page) {
  await click(browser, `nav-${page}`);
  await byTestId(browser, `${page}-page`).then((e) => e.waitForExist({ timeout: CALL_TIMEOUT_MS }));
}
