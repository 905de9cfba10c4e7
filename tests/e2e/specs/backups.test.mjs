// 备份与恢复 in the real window: the day's backup is made when the school
// opens, 立即备份 adds one, and restoring it (after the confirmation) takes
// away a teacher added since.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, click, clickWhenFree, fill, textsOf, until, screenshot, untilMessage,
  demoSchool, waitForDemoSchool, switchUser, ADMIN,
} from '../lib/app.mjs';

/** The demo school's teachers (fixtures/demo/school.json). */
const DEMO_TEACHERS = 30;

/** Whether the confirmation box is on screen. */
async function confirmationShown(browser) {
  return browser.execute(() =>
    Array.from(document.querySelectorAll('.el-message-box')).some((b) => b.offsetParent !== null),
  );
}

/**
 * Clicks 恢复 on the newest backup until the confirmation shows: the table
 * may re-render (the list reloads) between finding the button and clicking.
 */
async function askToRestoreNewest(browser) {
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const [button] = await browser.$$('[data-testid="backup-restore"]');
    await button.scrollIntoView({ block: 'center' });
    await clickWhenFree(browser, button);
    try {
      await browser.waitUntil(() => confirmationShown(browser), { timeout: 5_000, interval: 200 });
      return;
    } catch {
      // Not shown: the click landed on a row being replaced. Again.
    }
  }
  throw new Error('the restore confirmation never appeared');
}

async function teacherCount(browser) {
  const [text] = await textsOf(browser, 'teacher-count');
  return Number(/共 (\d+) 人/.exec(text || '')?.[1]);
}

test('a backup made in 设置 is restored after confirming, taking away a teacher added since', async () => {
  const { profile, demo } = demoSchool();
  const app = await launch(profile, [demo]);
  const { browser } = app;
  try {
    await waitForDemoSchool(browser);

    // Opening the school made the day's backup.
    await click(browser, 'open-settings');
    await until(browser, async () => (await textsOf(browser, 'backup-row-reason')).includes('每日'), 'no daily backup is listed');
    await click(browser, 'backup-now');
    await untilMessage(browser, '已备份');
    await until(browser, async () => (await textsOf(browser, 'backup-row-reason'))[0] === '手动', 'the new backup is not listed first');
    await screenshot(browser, 'settings-backup');

    // A teacher added after the backup.
    await click(browser, 'settings-back');
    await click(browser, 'add-teacher');
    await fill(browser, 'teacher-name', '备份后');
    await fill(browser, 'teacher-id-number', '110105198001011238');
    await click(browser, 'teacher-submit');
    await until(browser, async () => (await teacherCount(browser)) === DEMO_TEACHERS + 1, 'the teacher was not added');
    await browser.keys('Escape');

    // Restore the 手动 backup: a 系统管理员's task.
    await switchUser(browser, ADMIN);
    await click(browser, 'open-settings');
    await until(browser, async () => (await textsOf(browser, 'backup-row-reason'))[0] === '手动', 'the manual backup is not listed');
    await askToRestoreNewest(browser);
    const confirm = await browser.$('.el-message-box .el-button--primary');
    await confirm.waitForClickable({ timeout: 20_000 });
    await clickWhenFree(browser, confirm);
    await untilMessage(browser, '已恢复');
    await until(browser, async () => (await textsOf(browser, 'backup-row-reason')).includes('恢复前'), 'the file as it was is not backed up');

    await click(browser, 'settings-back');
    await until(browser, async () => (await teacherCount(browser)) === DEMO_TEACHERS, 'the restore did not take the added teacher away');
    assert.ok(!(await textsOf(browser, 'teacher-row-name')).includes('备份后'));
  } finally {
    await app.stop();
  }
});
