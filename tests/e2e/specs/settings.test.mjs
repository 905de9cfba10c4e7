// The settings page and reasons for warnings in the real window: the demo
// school takes the example province pack (its field appears in the form),
// refuses one that drops a national requirement, and a gender warning is
// accepted with a written reason on the 校验 page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  launch, fill, choose, click, clickText, byTestId, textsOf, until, screenshot,
  selectedText, untilMessage, messages, repoRoot, useChinese,
  demoSchool, waitForDemoSchool, openForm, ADMIN,
} from '../lib/app.mjs';

const EXAMPLE_PACK = join(repoRoot, 'fixtures/province/example-pack.toml');
const BAD_PACK = join(repoRoot, 'fixtures/province/drops-national-required.toml');
const EXAMPLE_INFO = '示例省补充指标（example-province，2026.1 版）';

/** Waits until the toasts are gone (they cover the top of the page in a screenshot). */
async function untilNoMessages(browser) {
  await until(browser, async () => (await messages(browser)).length === 0, 'the toasts did not go away');
}

async function packInfo(browser) {
  return (await textsOf(browser, 'pack-info'))[0] || '';
}

/** The texts of the 校验 rows that mention every one of `parts`. */
async function rowsWith(browser, parts) {
  return (await textsOf(browser, 'problem-row')).filter((text) => parts.every((part) => text.includes(part)));
}

/** Clicks the 填写理由 / 修改理由 button of the first 校验 row mentioning every one of `parts`. */
async function clickExplain(browser, parts) {
  const index = await browser.execute((wanted) => {
    const buttons = Array.from(document.querySelectorAll('[data-testid="explain-warning"]'));
    return buttons.findIndex((button) => {
      const row = button.closest('[data-testid="problem-row"]');
      return row !== null && wanted.every((part) => row.textContent.includes(part));
    });
  }, parts);
  if (index < 0) throw new Error(`no warning row with 填写理由 mentioning ${parts.join(', ')}`);
  const buttons = await browser.$$('[data-testid="explain-warning"]');
  await buttons[index].scrollIntoView({ block: 'center' });
  await buttons[index].waitForClickable({ timeout: 20_000 });
  await buttons[index].click();
}

test('settings use the example province pack, refuse one that drops a national requirement, and the form shows the pack’s field', async () => {
  const { profile, demo } = demoSchool();
  const app = await launch(profile, [demo]);
  const { browser } = app;
  try {
    // The province pack is a setting: the 系统管理员's.
    await waitForDemoSchool(browser, ADMIN);
    await click(browser, 'open-settings');
    await until(
      browser,
      async () => (await packInfo(browser)) === '未使用省级补充包，按全国指标校验',
      'the settings did not say that no province pack is used',
    );

    await fill(browser, 'pack-path', EXAMPLE_PACK);
    await click(browser, 'pack-use');
    await until(browser, async () => (await packInfo(browser)) === EXAMPLE_INFO, 'the example pack is not shown as in use');
    await untilMessage(browser, '已使用「示例省补充指标」');
    assert.deepEqual(await textsOf(browser, 'settings-error'), []);
    await untilNoMessages(browser);
    await screenshot(browser, 'settings-province-pack');

    await fill(browser, 'pack-path', BAD_PACK);
    await click(browser, 'pack-use');
    await until(
      browser,
      async () => (await textsOf(browser, 'settings-error')).some((text) => text.includes('取消了全国必填指标')),
      'the refused pack’s message is not shown',
    );
    assert.equal(await packInfo(browser), EXAMPLE_INFO, 'a refused pack must leave the pack in use unchanged');

    // The school's catalog now has the pack's field.
    await click(browser, 'settings-back');
    await openForm(browser, '罗玉兰');
    const rural = await byTestId(browser, 'field-basic-rural_post');
    await rural.waitForExist({ timeout: 20_000 });
  } finally {
    await app.stop();
  }
});

test('a gender warning on the 校验 page is accepted with a written reason', async () => {
  const { profile, demo } = demoSchool();
  const app = await launch(profile, [demo]);
  const { browser } = app;
  try {
    await waitForDemoSchool(browser);
    // 罗玉兰 510704199509208627: the 17th digit is even, so the ID number says female.
    await openForm(browser, '罗玉兰');
    await choose(browser, 'field-basic-gender', '男');
    await until(browser, async () => (await selectedText(browser, 'field-basic-gender')) === '1 男', '性别 was not set to 1 男');
    await click(browser, 'form-save');
    await untilMessage(browser, '已保存');

    await click(browser, 'form-back');
    await click(browser, 'open-validation');
    await until(
      browser,
      async () => /共 \d+ 位教师：\d+ 个错误，\d+ 个提醒/.test((await textsOf(browser, 'validation-summary'))[0] || ''),
      'the 校验 summary never appeared',
    );
    await click(browser, 'filter-severity-warning');
    const gender = ['罗玉兰', '性别'];
    await until(browser, async () => (await rowsWith(browser, gender)).length === 1, 'the gender warning of 罗玉兰 is not listed');
    assert.ok((await textsOf(browser, 'problem-row')).every((text) => text.startsWith('提醒')), 'only warnings are shown');

    await clickExplain(browser, gender);
    const dialog = await byTestId(browser, 'explain-dialog');
    await dialog.waitForDisplayed({ timeout: 20_000 });
    // Once its opening animation is over, the dialog puts the cursor in the reason box.
    await until(
      browser,
      async () => browser.execute(() => document.activeElement?.getAttribute('data-testid') === 'explain-reason'),
      'the reason box did not get the cursor when the dialog opened',
    );
    await fill(browser, 'explain-reason', '以人事档案为准');
    await screenshot(browser, 'validation-explain-dialog');
    await click(browser, 'explain-submit');

    await until(
      browser,
      async () => (await rowsWith(browser, gender)).some((text) => text.includes('已说明：以人事档案为准')),
      'the reason is not shown with the warning',
    );
    await until(
      browser,
      async () => ((await textsOf(browser, 'validation-summary'))[0] || '').includes('（其中 1 个已说明理由）'),
      'the summary does not count the explained warning',
    );
    await dialog.waitForDisplayed({ reverse: true, timeout: 20_000 });
    const [row] = await rowsWith(browser, gender);
    assert.match(row, /修改理由/);
    await untilNoMessages(browser);
    await screenshot(browser, 'validation-warning-reason');
  } finally {
    await app.stop();
  }
});
