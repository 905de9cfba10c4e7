// Starting and driving the real Taoli app: tauri-driver (which runs
// WebKitWebDriver, which runs the app) and a WebdriverIO session over it.
//
// Every WebDriver call has a timeout; every session ends by killing anything
// it started, so a hung app never outlives its test.

import { spawn, execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { remote } from 'webdriverio';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../../..');
const targetDir = process.env.CARGO_TARGET_DIR || join(repoRoot, 'target');
export const appBinary = process.env.TAOLI_APP || join(targetDir, 'debug', 'taoli-app');
export const fixturesBinary = join(targetDir, 'debug', 'taoli-fixtures');
export const cliBinary = join(targetDir, 'debug', 'taoli');
export const upstreamBinary = join(targetDir, 'debug', 'taoli-upstream');
export const screenshotDir = resolve(
  process.env.TAOLI_SCREENSHOT_DIR || join(repoRoot, 'tests/e2e/artifacts/screenshots'),
);
const tauriDriver = process.env.TAURI_DRIVER || join(process.env.HOME || '', '.cargo/bin/tauri-driver');

export const CALL_TIMEOUT_MS = 20_000;

/** A fresh pair of folders for one test: the app's config and data. */
export function freshProfile() {
  const root = mkdtempSync(join(tmpdir(), 'taoli-e2e-'));
  const profile = { root, config: join(root, 'config'), data: join(root, 'data') };
  mkdirSync(profile.config, { recursive: true });
  mkdirSync(profile.data, { recursive: true });
  return profile;
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
    if (child.exitCode !== null) throw new Error(`tauri-driver exited with ${child.exitCode}`);
    const open = await new Promise((ok) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); ok(true); });
      socket.once('error', () => ok(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`tauri-driver did not listen on ${port} within ${ms} ms`);
}

function killAppProcesses(nativePort) {
  const patterns = [appBinary, `WebKitWebDriver --port=${nativePort} `];
  for (const pattern of patterns) {
    try {
      execFileSync('pkill', ['-9', '-f', pattern], { stdio: 'ignore' });
    } catch {
      // pkill exits 1 when nothing matched: nothing was left running.
    }
  }
}

/**
 * Starts the app with `profile`'s folders, optional command-line `args` and
 * extra environment `env`, returns { browser, stop }. Call stop() in a
 * finally block.
 *
 * The two ports are found free and then handed over, so another process can
 * take one in between (WebKitWebDriver then says "Unable to listen"): that
 * start is retried once on fresh ports.
 */
export async function launch(profile, args = [], env = {}) {
  try {
    return await launchOnce(profile, args, env);
  } catch (error) {
    if (!/Unable to listen/.test(String(error.message))) throw error;
    return launchOnce(profile, args, env);
  }
}

/** Two distinct free ports: the OS may hand the same one out twice in a row. */
async function freePorts() {
  const port = await freePort();
  let nativePort = await freePort();
  while (nativePort === port) nativePort = await freePort();
  return [port, nativePort];
}

async function launchOnce(profile, args, env) {
  const [port, nativePort] = await freePorts();
  const driver = spawn(
    tauriDriver,
    ['--port', String(port), '--native-port', String(nativePort), '--native-driver', '/usr/bin/WebKitWebDriver'],
    {
      env: {
        ...process.env,
        ...env,
        TAOLI_CONFIG_DIR: profile.config,
        TAOLI_DATA_DIR: profile.data,
        // WebKit keeps local storage (the UI language) under the XDG data
        // folder: one per profile, so no test inherits another's settings.
        XDG_DATA_HOME: join(profile.root, 'xdg-data'),
        XDG_CACHE_HOME: join(profile.root, 'xdg-cache'),
        // Known trap: either of these set makes screenshots hang.
        WEBKIT_DISABLE_COMPOSITING_MODE: undefined,
        WEBKIT_DISABLE_DMABUF_RENDERER: undefined,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
      // Its own process group, so that stopping it also stops the
      // WebKitWebDriver and app processes it starts.
      detached: true,
    },
  );
  let driverLog = '';
  driver.stderr.on('data', (d) => { driverLog += d; });
  const stop = async (browser) => {
    if (browser) {
      await Promise.race([
        browser.deleteSession().catch(() => {}),
        new Promise((r) => setTimeout(r, 10_000)),
      ]);
    }
    try {
      process.kill(-driver.pid, 'SIGKILL');
    } catch {
      // The group is already gone.
    }
    driver.stderr.destroy();
    killAppProcesses(nativePort);
    // What the app wrote to its standard error, when asked for (debugging a spec).
    if (process.env.TAOLI_E2E_APP_LOG) appendFileSync(process.env.TAOLI_E2E_APP_LOG, driverLog);
  };
  try {
    await waitForPort(port, driver, 15_000);
    const browser = await remote({
      hostname: '127.0.0.1',
      port,
      logLevel: 'error',
      connectionRetryTimeout: 60_000,
      connectionRetryCount: 1,
      waitforTimeout: CALL_TIMEOUT_MS,
      capabilities: {
        'wdio:enforceWebDriverClassic': true,
        'tauri:options': { application: appBinary, args },
      },
    });
    await browser.setTimeout({ implicit: 0, script: CALL_TIMEOUT_MS, pageLoad: 60_000 });
    return { browser, stop: () => stop(browser) };
  } catch (error) {
    await stop(null);
    throw new Error(`${error.message}\n--- tauri-driver ---\n${driverLog}`);
  }
}

/** The element carrying data-testid, or the form control inside it. */
export function byTestId(browser, id) {
  return browser.$(`[data-testid="${id}"]`);
}

export async function inputOf(browser, id) {
  const el = await byTestId(browser, id);
  await el.waitForExist({ timeout: CALL_TIMEOUT_MS });
  const tag = await el.getTagName();
  if (tag === 'input' || tag === 'textarea') return el;
  return el.$('input, textarea');
}

/** Types into a text field, replacing what it held. */
export async function fill(browser, id, text) {
  const input = await inputOf(browser, id);
  await input.waitForDisplayed({ timeout: CALL_TIMEOUT_MS });
  await clickWhenFree(browser, input);
  await input.clearValue();
  await input.setValue(text);
  // WebDriver's clear fires no input event, so a Vue v-model may keep the old
  // text and put it back: then select it all and type over it, as a clerk would.
  if ((await input.getValue()) !== text) {
    await browser.keys(['Control', 'a']);
    await browser.keys('Backspace');
    await input.addValue(text);
  }
}

/** Picks the first option of a filterable el-select after typing `text`. */
export async function choose(browser, id, text) {
  const select = await byTestId(browser, id);
  await select.waitForDisplayed({ timeout: CALL_TIMEOUT_MS });
  await select.click();
  const input = await inputOf(browser, id);
  await input.setValue(text);
  // Wait until the filtered list offers the option before pressing Enter
  // (which takes the first match): at once, it could take whatever was first
  // before the filter ran.
  const offered = () =>
    browser.execute(
      (wanted) =>
        [...document.querySelectorAll('.el-select-dropdown__item')].some(
          (li) => li.offsetParent !== null && !li.classList.contains('is-disabled') && li.textContent.includes(wanted),
        ),
      text,
    );
  await until(browser, offered, `no option "${text}" in ${id}`);
  await browser.pause(150);
  await browser.keys('Enter');
}

export async function click(browser, id) {
  const el = await byTestId(browser, id);
  await el.waitForClickable({ timeout: CALL_TIMEOUT_MS });
  await clickWhenFree(browser, el);
}

/** The texts of every element with data-testid, read in one call (the list
 * re-renders while it is read, so element references would go stale). */
export async function textsOf(browser, id) {
  return browser.execute(
    (testId) => Array.from(document.querySelectorAll(`[data-testid="${testId}"]`)).map((e) => e.textContent.trim()),
    id,
  );
}

/** Waits until `predicate` holds, polling; fails with `message`. */
export async function until(browser, predicate, message) {
  try {
    await browser.waitUntil(predicate, { timeout: CALL_TIMEOUT_MS, interval: 200, timeoutMsg: message });
  } catch (error) {
    const shot = await screenshot(browser, `failed-${Date.now()}`).catch(() => 'none');
    error.message += ` (screenshot: ${shot})`;
    throw error;
  }
}

/** Saves a screenshot after two animation frames, so it shows the current frame. */
export async function screenshot(browser, name) {
  mkdirSync(screenshotDir, { recursive: true });
  await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
  const path = join(screenshotDir, `${name}.png`);
  await browser.saveScreenshot(path);
  return path;
}

/** The label an el-select shows for its chosen value ('' when none). */
export async function selectedText(browser, id) {
  return browser.execute((testId) => {
    const select = document.querySelector(`[data-testid="${testId}"]`);
    const shown = select && select.querySelector('.el-select__placeholder:not(.is-transparent), .el-select__tags-text');
    return shown ? shown.textContent.trim() : '';
  }, id);
}

/** The texts of the Element Plus messages (toasts) now on screen. */
export async function messages(browser) {
  return browser.execute(() => Array.from(document.querySelectorAll('.el-message')).map((e) => e.textContent.trim()));
}

/** Waits for a toast containing `text`. */
export async function untilMessage(browser, text) {
  await until(browser, async () => (await messages(browser)).some((m) => m.includes(text)), `no message 「${text}」 appeared`);
}

/** The data-testid of the teacher form's active tab label (form-tab-<group>). */
export async function activeFormTab(browser) {
  return browser.execute(() => {
    const label = document.querySelector('.el-tabs__item.is-active [data-testid^="form-tab-"]');
    return label ? label.getAttribute('data-testid') : null;
  });
}

/** Clicks the first element carrying data-testid whose text matches `pattern`. */
export async function clickText(browser, id, pattern) {
  const index = (await textsOf(browser, id)).findIndex((text) => pattern.test(text));
  if (index < 0) throw new Error(`no [data-testid="${id}"] matching ${pattern}`);
  const elements = await browser.$$(`[data-testid="${id}"]`);
  await elements[index].scrollIntoView({ block: 'nearest' });
  await clickWhenFree(browser, elements[index]);
}

/**
 * Clicks an element, waiting out what covers it for a moment (a toast, a
 * closing dropdown, a dialog's fade): WebDriver refuses a click on a covered
 * element, as a clerk's click would land on the cover.
 */
export async function clickWhenFree(browser, element) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await element.click();
      return;
    } catch (error) {
      const transient = /intercepted|not interactable/.test(String(error.message));
      if (!transient || attempt >= 20) {
        const shot = await screenshot(browser, `failed-click-${Date.now()}`).catch(() => 'none');
        const what = await element.getHTML({ includeSelectorTag: true }).catch(() => '?');
        error.message += ` (clicking ${String(what).slice(0, 200)}; screenshot: ${shot})`;
        throw error;
      }
      await browser.pause(250);
    }
  }
}

/** Switches the interface to Chinese if it is not (the choice outlives a profile: it is in WebKit's storage). */
export async function useChinese(browser) {
  const lang = await browser.execute(() => document.documentElement.lang);
  if (lang === 'zh-CN') return;
  const zh = await browser.$('[data-testid="lang-switch"] .el-radio-button:first-child');
  await zh.waitForClickable({ timeout: CALL_TIMEOUT_MS });
  await zh.click();
  await until(browser, async () => (await browser.execute(() => document.documentElement.lang)) === 'zh-CN', 'the interface did not switch to Chinese');
}

/** A fresh profile holding the demo school (fixtures/demo) as a school file. */
export function demoSchool() {
  const profile = freshProfile();
  const demo = join(profile.data, 'demo.taoli');
  execFileSync(fixturesBinary, ['demo-file', demo]);
  return { profile, demo };
}

/** The demo school's accounts (fixtures/demo/school.json), one per role. */
export const ADMIN = { name: '管理员', password: 'taoli-admin' };
export const CLERK = { name: '王老师', password: 'taoli-demo' };
export const VIEWER = { name: '李老师', password: 'taoli-view' };

/**
 * Gets past what stands between an opened school file and its teacher list:
 * the 系统管理员 password when this computer's keychain has no key for the
 * file (the test machine has no keychain), then the sign-in page, then the
 * 工作台 every sign-in opens on (the side menu's 教师名单 leads on). With
 * `{ to: 'home' }` it stops at the 工作台.
 */
export async function signIn(browser, who = CLERK, adminPassword = ADMIN.password, { to = 'list' } = {}) {
  await untilSignInPage(browser, adminPassword);
  await fill(browser, 'login-name', who.name);
  await fill(browser, 'login-password', who.password);
  await click(browser, 'login-submit');
  await (await byTestId(browser, 'account-bar')).waitForDisplayed({ timeout: 20_000 });
  await (await byTestId(browser, 'workbench-page')).waitForDisplayed({ timeout: 20_000 });
  if (to === 'list') await openTeacherList(browser);
}

/** Opens the teacher list from the side menu (教师名单). */
export async function openTeacherList(browser) {
  await click(browser, 'nav-teachers');
  await (await byTestId(browser, 'teacher-count')).waitForDisplayed({ timeout: 20_000 });
}

/**
 * Gets past the 系统管理员 password the test machine's missing keychain asks
 * for, to the sign-in page.
 */
export async function untilSignInPage(browser, adminPassword = ADMIN.password) {
  await until(
    browser,
    async () =>
      (await browser.$('.key-dialog').isDisplayed().catch(() => false)) ||
      (await byTestId(browser, 'login-page').isDisplayed().catch(() => false)),
    'neither the key dialog nor the sign-in page showed',
  );
  if (await browser.$('.key-dialog').isDisplayed().catch(() => false)) {
    const input = await browser.$('.key-dialog input');
    await input.setValue(adminPassword);
    await clickWhenFree(browser, await browser.$('.key-dialog .el-button--primary'));
  }
  const page = await byTestId(browser, 'login-page');
  await page.waitForDisplayed({ timeout: 20_000 });
}

/** Signs out and signs in as `who` (the school stays open), on to the teacher list. */
export async function switchUser(browser, who) {
  await click(browser, 'sign-out');
  await signIn(browser, who);
}

/**
 * Waits until the demo school is open and `who` signed in, with the UI in
 * Chinese, on the teacher list (or the 工作台 with `{ to: 'home' }`).
 */
export async function waitForDemoSchool(browser, who = CLERK, { to = 'list' } = {}) {
  await signIn(browser, who, ADMIN.password, { to });
  const name = await byTestId(browser, 'school-name');
  await name.waitForDisplayed({ timeout: 20_000 });
  assert.equal(await name.getText(), '桃李县实验小学');
  await useChinese(browser);
}

/** Opens a teacher's form from the teacher list by clicking their name. */
export async function openForm(browser, name) {
  await until(
    browser,
    async () => (await textsOf(browser, 'teacher-row-name')).includes(name),
    `${name} is not in the teacher list`,
  );
  await clickText(browser, 'teacher-row-name', new RegExp(`^${name}$`));
  await until(
    browser,
    async () => ((await textsOf(browser, 'form-title'))[0] || '').includes(name),
    `the form of ${name} never opened`,
  );
}

/**
 * The recovery code dialog shown to the 系统管理员 of a new school (or of a
 * file without a code): waits for the code, takes a screenshot named `shot`
 * when given, ticks 「我已抄写或打印并妥善保管」, closes it, and returns the
 * code as shown (seven groups joined by dashes).
 */
export async function keepRecoveryCode(browser, shot) {
  await until(
    browser,
    async () => (await textsOf(browser, 'recovery-code-group')).length === 7,
    'the recovery code dialog did not show a code',
  );
  const code = (await textsOf(browser, 'recovery-code-group')).join('-');
  if (shot) await screenshot(browser, shot);
  await click(browser, 'recovery-confirm');
  // 完成 is enabled once the tick has reached the dialog's state; a click
  // before that does nothing, so wait for it, and click again while the
  // dialog stays open with 完成 enabled (a second click while the first is
  // saving is ignored by the dialog).
  await until(
    browser,
    async () => byTestId(browser, 'recovery-done').isEnabled().catch(() => false),
    '完成 never became clickable after ticking the confirmation',
  );
  await click(browser, 'recovery-done');
  await until(
    browser,
    async () => {
      const done = await byTestId(browser, 'recovery-done');
      if (!(await done.isDisplayed().catch(() => false))) return true;
      const idle = (await done.isEnabled().catch(() => false))
        && !(await done.getAttribute('class').catch(() => '')).includes('is-loading');
      if (idle) await done.click().catch(() => {});
      return false;
    },
    'the recovery code dialog did not close',
  );
  return code;
}
