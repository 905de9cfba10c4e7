// The back end's errors follow the interface language: switched to English,
// a wrong password on the sign-in page is refused in English (the core's
// message rendered from its code), and in Chinese again once switched back.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  untilSignInPage,
  launch, fill, click, byTestId, textsOf, until, screenshot,
  useChinese, demoSchool, CLERK, CALL_TIMEOUT_MS,
} from '../lib/app.mjs';

/** Whether `text` has a Chinese character. */
const hasChinese = (text) => /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/.test(text);

/** Switches the interface to English with the header's language switch. */
async function useEnglish(browser) {
  const en = await browser.$('[data-testid="lang-switch"] .el-radio-button:last-child');
  await en.waitForClickable({ timeout: CALL_TIMEOUT_MS });
  await en.click();
  await until(browser, async () => (await browser.execute(() => document.documentElement.lang)) === 'en', 'the interface did not switch to English');
}

async function signInWrongly(browser) {
  await fill(browser, 'login-name', CLERK.name);
  await fill(browser, 'login-password', 'not-the-password');
  await click(browser, 'login-submit');
}

async function loginError(browser) {
  return (await textsOf(browser, 'login-error'))[0] || '';
}

test('switched to English, a wrong password is refused in English, and in Chinese once switched back', async () => {
  const { profile, demo } = demoSchool();
  const app = await launch(profile, [demo]);
  const { browser } = app;
  try {
    await untilSignInPage(browser);
    await useEnglish(browser);

    await signInWrongly(browser);
    await until(
      browser,
      async () => (await loginError(browser)).startsWith('The account or the password is wrong.'),
      'the wrong password was not refused in English',
    );
    const english = await loginError(browser);
    assert.ok(!hasChinese(english), `the English refusal has Chinese in it: ${english}`);
    assert.match(english, /locked for 5 minutes \(4 tries left\)/);
    await screenshot(browser, 'error-in-english');

    await useChinese(browser);
    await signInWrongly(browser);
    await until(
      browser,
      async () => (await loginError(browser)).startsWith('账号或密码不对。'),
      'after switching back, the wrong password was not refused in Chinese',
    );
  } finally {
    await useChinese(browser).catch(() => {});
    await app.stop();
  }
});
