// 学校管理: registering a school, issuing it a 报送码 that the school then
// really enrolls with, and revoking the school's key.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import {
  byTestId, click, fill, goTo, openBrowser, schoolBinary, screenshot, signIn, startUpstream, textOf, until,
  untilMessage, untilText,
} from '../lib/console.mjs';

const NEW_SCHOOL = '2151072203';

/** Clicks the data-testid button in the schools table's row of `code`. */
async function clickInRow(browser, code, id) {
  const clicked = await browser.execute(
    (school, testId) => {
      const row = [...document.querySelectorAll('[data-testid="schools-table"] tbody tr')].find((r) =>
        r.textContent.includes(school),
      );
      const button = row?.querySelector(`[data-testid="${testId}"]`);
      if (!button || button.disabled) return false;
      button.click();
      return true;
    },
    code,
    id,
  );
  assert.ok(clicked, `no enabled ${id} in the row of ${code}`);
}

test('an officer registers a school and issues it a code the school enrolls with', async () => {
  const upstream = await startUpstream();
  const { browser, stop } = await openBrowser();
  try {
    await signIn(browser, upstream.url, 'santai');
    await goTo(browser, 'schools');
    await untilText(browser, 'schools-table', '三台县第一小学');
    assert.doesNotMatch(await textOf(browser, 'schools-table'), /涪城区实验小学/);

    await click(browser, 'school-register');
    await fill(browser, 'school-form-code', '12345');
    await fill(browser, 'school-form-name', '三台县西平小学');
    await click(browser, 'school-form-submit');
    await until(browser, async () => (await textOf(browser, 'school-form-error')).length > 0, 'a bad code was not refused');
    await fill(browser, 'school-form-code', NEW_SCHOOL);
    await click(browser, 'school-form-submit');
    await untilMessage(browser, '已登记 三台县西平小学');
    await untilText(browser, 'schools-table', '三台县西平小学');

    await clickInRow(browser, NEW_SCHOOL, 'school-issue');
    await click(browser, 'school-issue-confirm');
    await (await byTestId(browser, 'school-issued-code')).waitForDisplayed();
    const code = (await textOf(browser, 'school-issued-code')).trim();
    assert.ok(code.length >= 8, `a code: ${code}`);
    assert.match(await textOf(browser, 'school-issued'), /交给学校/);
    await screenshot(browser, 'console-schools-code');
    await click(browser, 'school-issued-close');

    // The school enrolls with the code on paper and uploads a signed batch.
    execFileSync(schoolBinary, ['--url', upstream.url, '--school', NEW_SCHOOL, '--code', code, '--teachers', '1']);
    await browser.refresh();
    await (await byTestId(browser, 'schools-page')).waitForExist();
    await until(
      browser,
      () => browser.execute((school) => {
        const row = [...document.querySelectorAll('[data-testid="schools-table"] tbody tr')].find((r) => r.textContent.includes(school));
        return !!row && row.textContent.includes('已登记') && !row.textContent.includes('未登记');
      }, NEW_SCHOOL),
      'the school did not show as enrolled',
    );
    await screenshot(browser, 'console-schools');

    await clickInRow(browser, NEW_SCHOOL, 'school-revoke-key');
    const confirm = await browser.$('.el-message-box .el-button--primary');
    await confirm.waitForClickable();
    await confirm.click();
    await untilMessage(browser, '已停用 1 个密钥');
  } finally {
    await stop();
    upstream.stop();
  }
});
