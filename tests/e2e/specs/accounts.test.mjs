// Accounts in the real window: the 系统管理员 password for a file this
// computer has no key for, the sign-in page, a 信息查询员 who reads masked ID
// numbers and cannot add, the 系统管理员's 账号 section, and the lock screen.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, click, fill, byTestId, textsOf, until, screenshot, demoSchool, signIn,
  waitForDemoSchool, ADMIN, CLERK, VIEWER, CALL_TIMEOUT_MS,
} from '../lib/app.mjs';

test('an encrypted school file asks for the 系统管理员 password, then who signs in', async () => {
  const { profile, demo } = demoSchool();
  const app = await launch(profile, [demo]);
  const { browser } = app;
  try {
    const dialog = await browser.$('.key-dialog');
    await dialog.waitForDisplayed({ timeout: 20_000 });
    await screenshot(browser, 'key-dialog');
    await (await browser.$('.key-dialog input')).setValue('not-the-password');
    await (await browser.$('.key-dialog .el-button--primary')).click();
    await until(
      browser,
      async () => /密码不对|不正确/.test(await (await browser.$('.key-dialog')).getText()),
      'a wrong 系统管理员 password is not said so',
    );
    await (await browser.$('.key-dialog input')).setValue(ADMIN.password);
    await (await browser.$('.key-dialog .el-button--primary')).click();
    const login = await byTestId(browser, 'login-page');
    await login.waitForDisplayed({ timeout: 20_000 });
    await fill(browser, 'login-name', CLERK.name);
    await fill(browser, 'login-password', 'wrong-password');
    await click(browser, 'login-submit');
    await until(
      browser,
      async () => ((await textsOf(browser, 'login-error'))[0] || '').includes('还可以试 4 次'),
      'a wrong password does not say how many tries are left',
    );
    await screenshot(browser, 'login-page');
    await fill(browser, 'login-password', CLERK.password);
    await click(browser, 'login-submit');
    await until(
      browser,
      async () => ((await textsOf(browser, 'account-name'))[0] || '').includes('王老师 · 信息管理员'),
      'the header does not show who is signed in',
    );
  } finally {
    await app.stop();
  }
});

test('a 信息查询员 reads ID numbers masked and cannot add or import', async () => {
  const { profile, demo } = demoSchool();
  const app = await launch(profile, [demo]);
  const { browser } = app;
  try {
    await waitForDemoSchool(browser, VIEWER);
    await until(browser, async () => (await textsOf(browser, 'teacher-row-id')).length > 0, 'no teachers listed');
    const ids = await textsOf(browser, 'teacher-row-id');
    assert.ok(ids.every((id) => /^\d{6}\*{10}[\dX]{2}$/.test(id)), `IDs not masked: ${ids.slice(0, 3)}`);
    for (const id of ['add-teacher', 'import-open', 'export-open', 'print-sheets', 'open-audit']) {
      assert.equal(await (await byTestId(browser, id)).isExisting(), false, `${id} is shown to a 信息查询员`);
    }
    await screenshot(browser, 'viewer-teacher-list');
  } finally {
    await app.stop();
  }
});

test('the 系统管理员 adds an account in 设置, and the lock screen asks for the password', async () => {
  const { profile, demo } = demoSchool();
  const app = await launch(profile, [demo]);
  const { browser } = app;
  try {
    await waitForDemoSchool(browser, ADMIN);
    await click(browser, 'open-settings');
    await until(
      browser,
      async () => ((await textsOf(browser, 'accounts-table'))[0] || '').includes(VIEWER.name),
      'the accounts are not listed',
    );
    await fill(browser, 'account-new-name', '赵老师');
    await fill(browser, 'account-new-password', 'zhao-pass-2026');
    await click(browser, 'account-add');
    await until(
      browser,
      async () => ((await textsOf(browser, 'accounts-table'))[0] || '').includes('赵老师'),
      'the new account is not listed',
    );
    await screenshot(browser, 'settings-accounts');

    await click(browser, 'lock-now');
    const lock = await byTestId(browser, 'lock-screen');
    await lock.waitForDisplayed({ timeout: CALL_TIMEOUT_MS });
    await screenshot(browser, 'lock-screen');
    await fill(browser, 'unlock-password', ADMIN.password);
    await click(browser, 'unlock');
    await lock.waitForDisplayed({ timeout: CALL_TIMEOUT_MS, reverse: true });
    await (await byTestId(browser, 'settings-accounts')).waitForDisplayed({ timeout: CALL_TIMEOUT_MS });
  } finally {
    await app.stop();
  }
});

test('signing out shows the sign-in page of the same school', async () => {
  const { profile, demo } = demoSchool();
  const app = await launch(profile, [demo]);
  const { browser } = app;
  try {
    await waitForDemoSchool(browser, CLERK);
    await click(browser, 'sign-out');
    await (await byTestId(browser, 'login-page')).waitForDisplayed({ timeout: CALL_TIMEOUT_MS });
    await signIn(browser, VIEWER);
    assert.match((await textsOf(browser, 'account-name'))[0] || '', /李老师 · 信息查询员/);
  } finally {
    await app.stop();
  }
});
