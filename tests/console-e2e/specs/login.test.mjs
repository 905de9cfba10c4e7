// 登录: the API's own Chinese message on a wrong password, the lockout after
// five, and a session that survives a reload and ends with 退出登录.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  PASSWORD, byTestId, click, fill, openBrowser, screenshot, signIn, startUpstream, textOf, until, untilText,
} from '../lib/console.mjs';

test('five wrong passwords lock the account and the login page says so, even for the right password', async () => {
  const upstream = await startUpstream();
  const { browser, stop } = await openBrowser();
  try {
    await browser.url(`${upstream.url}/console/`);
    await fill(browser, 'login-username', 'santai');
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      await fill(browser, 'login-password', `wrong-password-${attempt}`);
      await click(browser, 'login-submit');
      await untilText(browser, 'login-error', '用户名或密码不对');
    }
    await fill(browser, 'login-password', 'wrong-password-5');
    await click(browser, 'login-submit');
    await untilText(browser, 'login-error', '已锁定');
    await fill(browser, 'login-password', PASSWORD);
    await click(browser, 'login-submit');
    await untilText(browser, 'login-error', '已锁定');
    assert.equal(await (await byTestId(browser, 'progress-page')).isExisting(), false);
    await screenshot(browser, 'console-login-locked');
  } finally {
    await stop();
    upstream.stop();
  }
});

test('a session survives a reload and 退出登录 returns to the login page', async () => {
  const upstream = await startUpstream();
  const { browser, stop } = await openBrowser();
  try {
    await browser.url(`${upstream.url}/console/`);
    await (await byTestId(browser, 'login')).waitForExist();
    await screenshot(browser, 'console-login');
    // The English interface, then back to Chinese (remembered in the browser).
    await (await browser.$('[data-testid="language"] .el-radio-button:last-child')).click();
    await untilText(browser, 'login', 'Sign in to the county console');
    await browser.refresh();
    await untilText(browser, 'login', 'Sign in to the county console');
    await (await browser.$('[data-testid="language"] .el-radio-button:first-child')).click();
    await untilText(browser, 'login', '县级管理控制台登录');
    await signIn(browser, upstream.url, 'santai');
    assert.match(await textOf(browser, 'who'), /张科员/);
    assert.match(await textOf(browser, 'role'), /信息管理员/);
    await browser.refresh();
    await (await byTestId(browser, 'progress-page')).waitForExist();
    await click(browser, 'sign-out');
    await (await byTestId(browser, 'login')).waitForExist();
    await browser.refresh();
    await until(browser, async () => (await byTestId(browser, 'login')).isExisting(), 'the login page did not come back after a reload');
  } finally {
    await stop();
    upstream.stop();
  }
});

test('a request after the session is gone returns to the login page and says why', async () => {
  const upstream = await startUpstream();
  const { browser, stop } = await openBrowser();
  try {
    await signIn(browser, upstream.url, 'santai');
    // The session cookie is gone (as after 30 idle minutes): the next request is a 401.
    await browser.deleteCookies();
    await click(browser, 'nav-schools');
    await untilText(browser, 'login-notice', '登录已失效');
    await signIn(browser, upstream.url, 'santai');
    assert.match(await textOf(browser, 'who'), /张科员/);
  } finally {
    await stop();
    upstream.stop();
  }
});
