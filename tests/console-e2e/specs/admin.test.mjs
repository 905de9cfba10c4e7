// 账号 and 操作日志, a 系统管理员's pages: adding an account (a weak password
// refused in Chinese), resetting a password, and the audit log of it all.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  byTestId, click, fill, goTo, openBrowser, registerSchool, screenshot, signIn, startUpstream, textOf, textsOf,
  until, untilMessage, untilText,
} from '../lib/console.mjs';

test('a system administrator adds an account, resets a password and reads the audit log', async () => {
  const upstream = await startUpstream();
  const { browser, stop } = await openBrowser();
  try {
    await signIn(browser, upstream.url, 'mianyang');
    const nav = await textsOf(browser, 'nav');
    assert.match(nav.join(), /账号/);
    assert.match(nav.join(), /操作日志/);
    await goTo(browser, 'accounts');
    await untilText(browser, 'accounts-table', 'santai');

    await click(browser, 'account-add');
    await fill(browser, 'account-form-username', 'fucheng');
    await fill(browser, 'account-form-name', '王科员');
    await fill(browser, 'account-form-org', '510703');
    await fill(browser, 'account-form-password', 'short1');
    await click(browser, 'account-form-submit');
    await until(browser, async () => /密码/.test(await textOf(browser, 'account-form-error')), 'a weak password was not refused');
    await fill(browser, 'account-form-password', 'fucheng2027pass');
    await click(browser, 'account-form-submit');
    await untilMessage(browser, '已新建账号 王科员');
    await untilText(browser, 'accounts-table', 'fucheng');
    assert.match(await textOf(browser, 'accounts-table'), /涪城区/);
    await screenshot(browser, 'console-accounts');

    await click(browser, 'account-reset-santai');
    await fill(browser, 'account-reset-password', 'santai2028newpass');
    await click(browser, 'account-reset-confirm');
    await untilMessage(browser, '已重设');

    await goTo(browser, 'audit');
    await untilText(browser, 'audit-table', 'fucheng');
    const log = await textOf(browser, 'audit-table');
    assert.match(log, /mianyang/);
    assert.match(log, /santai/);
    assert.match(await textOf(browser, 'audit-page'), /已经是最早的记录/);
    await screenshot(browser, 'console-audit');
  } finally {
    await stop();
    upstream.stop();
  }
});

test('an information administrator sees neither accounts nor the audit log', async () => {
  const upstream = await startUpstream();
  const { browser, stop } = await openBrowser();
  try {
    await signIn(browser, upstream.url, 'santai');
    const nav = (await textsOf(browser, 'nav')).join();
    assert.doesNotMatch(nav, /账号|操作日志/);
    assert.match(nav, /审核/);
  } finally {
    await stop();
    upstream.stop();
  }
});

test('the audit log loads 100 lines at a time and 加载更多 brings the earlier ones', async () => {
  const upstream = await startUpstream({
    prepare: (db) => {
      // 110 more lines: a county registering its schools at the command line.
      for (let n = 10; n < 120; n += 1) registerSchool(db, `2151072${String(n).padStart(3, '0')}`, `三台县第${n}小学`, '510722');
    },
  });
  const { browser, stop } = await openBrowser();
  try {
    await signIn(browser, upstream.url, 'mianyang');
    await goTo(browser, 'audit');
    const rows = () => browser.execute(() => document.querySelectorAll('[data-testid="audit-table"] tbody tr').length);
    await until(browser, async () => (await rows()) === 100, 'the first page is not 100 lines');
    assert.doesNotMatch(await textOf(browser, 'audit-table'), /三台县第一小学/, 'the earliest line is not on the first page');
    await click(browser, 'audit-more');
    await until(browser, async () => (await rows()) > 100, '加载更多 loaded nothing');
    await untilText(browser, 'audit-table', '三台县第一小学');
    assert.match(await textOf(browser, 'audit-page'), /已经是最早的记录/);
    assert.equal(await (await byTestId(browser, 'audit-more')).isExisting(), false);
  } finally {
    await stop();
    upstream.stop();
  }
});
