// The recovery code in the real window: a school created on the start page
// shows its code once (screenshot recovery-code); after a restart on this
// keychain-less machine, the 系统管理员 password is "forgotten" and the code
// opens the file and sets a new password (screenshot recovery-recover); the
// new password then opens it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, freshProfile, fill, choose, click, byTestId, textsOf, until, screenshot,
  keepRecoveryCode, signIn, CALL_TIMEOUT_MS,
} from '../lib/app.mjs';

const ADMIN = { name: '校长', password: 'admin-pass-2026' };
const NEW_PASSWORD = '新的密码-2027';

async function createSchool(browser) {
  await fill(browser, 'create-code', '2151012345');
  await fill(browser, 'create-name', '桃李镇中心小学');
  await choose(browser, 'create-type', '211');
  await fill(browser, 'create-admin', ADMIN.name);
  await fill(browser, 'create-password', ADMIN.password);
  await fill(browser, 'create-password2', ADMIN.password);
  await click(browser, 'create-submit');
}

test('a new school shows its recovery code, which later opens it with a new password', async () => {
  const profile = freshProfile();

  let app = await launch(profile);
  let code;
  try {
    await createSchool(app.browser);
    code = await keepRecoveryCode(app.browser, 'recovery-code');
    assert.match(code, /^([0-9A-HJKMNP-TV-Z]{5}-){6}[0-9A-HJKMNP-TV-Z]{5}$/);
    const name = await byTestId(app.browser, 'school-name');
    await name.waitForDisplayed({ timeout: CALL_TIMEOUT_MS });
  } finally {
    await app.stop();
  }

  // A restart: this machine has no keychain, so the file asks for the
  // 系统管理员 password, which is "forgotten".
  app = await launch(profile);
  const { browser } = app;
  try {
    const recent = await byTestId(browser, 'recent-item');
    await recent.waitForDisplayed({ timeout: 20_000 });
    await recent.click();
    const dialog = await browser.$('.key-dialog');
    await dialog.waitForDisplayed({ timeout: 20_000 });
    await (await browser.$('.key-dialog .key-forgot')).click();

    await fill(browser, 'recovery-code-input', 'not a code');
    await click(browser, 'recovery-next');
    await until(
      browser,
      async () => ((await textsOf(browser, 'recovery-error'))[0] || '').includes('恢复码不对'),
      'a malformed code is not refused in Chinese',
    );
    // As a clerk may type it: lower case, spaces for dashes.
    await fill(browser, 'recovery-code-input', code.toLowerCase().replaceAll('-', ' '));
    await click(browser, 'recovery-next');
    await until(
      browser,
      async () => ((await textsOf(browser, 'recovery-account-only'))[0] || '').includes(ADMIN.name),
      'the code did not lead to the 系统管理员',
    );
    await fill(browser, 'recovery-password', NEW_PASSWORD);
    await fill(browser, 'recovery-password2', NEW_PASSWORD);
    await screenshot(browser, 'recovery-recover');
    await click(browser, 'recovery-submit');
    await until(
      browser,
      async () => ((await textsOf(browser, 'account-name'))[0] || '').includes(`${ADMIN.name} · 系统管理员`),
      'the recovered file did not open signed in as the 系统管理员',
    );
    assert.equal(await (await byTestId(browser, 'school-name')).getText(), '桃李镇中心小学');
  } finally {
    await app.stop();
  }

  // The new password opens the file on the next start.
  app = await launch(profile);
  try {
    const recent = await byTestId(app.browser, 'recent-item');
    await recent.waitForDisplayed({ timeout: 20_000 });
    await recent.click();
    await signIn(app.browser, { name: ADMIN.name, password: NEW_PASSWORD }, NEW_PASSWORD);
    await (await byTestId(app.browser, 'school-name')).waitForDisplayed({ timeout: CALL_TIMEOUT_MS });
  } finally {
    await app.stop();
  }
});
