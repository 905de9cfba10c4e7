// The teacher form and the 校验 page in the real window: the demo school's
// missing 基本信息 counted, a problem opening the form at its field, fields
// filled and saved, a 学习经历 row surviving a restart, 籍贯 picked from the
// administrative divisions by typing pinyin, and a teacher added with a
// resident ID number finding 出生日期 and 性别 filled from it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  launch, choose, click, clickText, byTestId, textsOf, until, screenshot,
  selectedText, untilMessage, activeFormTab, useChinese, fill, inputOf,
  demoSchool, waitForDemoSchool, openForm,
} from '../lib/app.mjs';

/** GB 11643-1999: the check character of a resident ID number's first 17 digits. */
function residentId(first17) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, digit, i) => acc + Number(digit) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

/** The error count of the 校验 page's summary, once it is shown. */
async function errorCount(browser) {
  let errors = null;
  await until(
    browser,
    async () => {
      const [summary] = await textsOf(browser, 'validation-summary');
      const match = /共 (\d+) 位教师：(\d+) 个错误，(\d+) 个提醒/.exec(summary || '');
      if (match) errors = Number(match[2]);
      return match !== null;
    },
    'the 校验 summary never appeared',
  );
  return errors;
}

test('the 校验 page counts the missing 基本信息, opens the form at a problem, and counts fewer after saving', async () => {
  const { profile, demo } = demoSchool();
  const app = await launch(profile, [demo]);
  const { browser } = app;
  try {
    await waitForDemoSchool(browser);
    await click(browser, 'open-validation');
    const before = await errorCount(browser);
    assert.ok(before > 0, 'the demo teachers’ 基本信息 holds only what their ID numbers give, so most required fields are missing');
    const rows = await textsOf(browser, 'problem-row');
    assert.ok(rows.length > 0, 'problems are listed');
    await screenshot(browser, 'validation-page');

    // The first problem is a required 基本信息 field of the first teacher.
    const first = rows[0];
    const teacher = first.replace(/^(错误|提醒)\s*/, '').split(' · ')[0];
    await clickText(browser, 'problem-row', /.*/);
    await until(browser, async () => (await activeFormTab(browser)) === 'form-tab-basic', 'the form did not open on 基本信息');
    assert.match((await textsOf(browser, 'form-title'))[0], new RegExp(teacher));
    // 性别 and 出生日期 came from the ID number when the teacher was added;
    // 民族 is still missing.
    await until(
      browser,
      async () => (await textsOf(browser, 'field-problem-ethnicity')).some((t) => /必填/.test(t)),
      'the missing 民族 is not shown under the field',
    );
    assert.equal((await textsOf(browser, 'field-problem-gender')).length, 0, '性别 was filled from the ID number');

    await choose(browser, 'field-basic-ethnicity', '汉');
    await until(browser, async () => /汉族/.test(await selectedText(browser, 'field-basic-ethnicity')), '民族 was not set to 汉族');
    await until(
      browser,
      async () => (await textsOf(browser, 'field-problem-ethnicity')).length === 0,
      'the 民族 problem did not go away once filled',
    );
    await click(browser, 'form-save');
    await untilMessage(browser, '已保存');
    await screenshot(browser, 'teacher-form');

    await click(browser, 'form-back');
    await errorCount(browser);
    await click(browser, 'validation-rerun');
    let after = before;
    await until(
      browser,
      async () => {
        after = await errorCount(browser);
        return after < before;
      },
      'the error count did not go down after saving',
    );
    assert.ok(after < before, `errors ${before} → ${after}`);
  } finally {
    await app.stop();
  }
});

test('a 学习经历 row added in the form is still there after the app restarts', async () => {
  const { profile, demo } = demoSchool();
  const name = '李燕';

  let app = await launch(profile, [demo]);
  try {
    const { browser } = app;
    await waitForDemoSchool(browser);
    await openForm(browser, name);
    await click(browser, 'form-tab-education');
    await click(browser, 'add-row-education');
    await choose(browser, 'field-education-education-0', '大学本科');
    await choose(browser, 'field-education-degree_level-0', '学士');
    await choose(browser, 'field-education-study_mode-0', '全脱产');
    assert.match(await selectedText(browser, 'field-education-education-0'), /大学本科毕业/);
    assert.match(await selectedText(browser, 'field-education-degree_level-0'), /学士/);
    assert.match(await selectedText(browser, 'field-education-study_mode-0'), /全脱产/);
    await click(browser, 'form-save');
    await untilMessage(browser, '已保存');
    await screenshot(browser, 'teacher-form-education');
  } finally {
    await app.stop();
  }

  app = await launch(profile, [demo]);
  try {
    const { browser } = app;
    await waitForDemoSchool(browser);
    await openForm(browser, name);
    await click(browser, 'form-tab-education');
    await until(
      browser,
      async () => /大学本科毕业/.test(await selectedText(browser, 'field-education-education-0')),
      'the saved 学习经历 row is missing after the restart',
    );
    assert.match(await selectedText(browser, 'field-education-degree_level-0'), /学士/);
    assert.match(await selectedText(browser, 'field-education-study_mode-0'), /全脱产/);
    assert.equal((await textsOf(browser, 'record-row-education')).length, 1);
    await screenshot(browser, 'teacher-form-education-after-restart');
  } finally {
    await app.stop();
  }
});

/** The text a region picker shows (the chosen division's full name). */
async function regionShown(browser, id) {
  return browser.execute((testId) => {
    const input = document.querySelector(`[data-testid="${testId}"] input`);
    return input ? input.value : '';
  }, id);
}

test('籍贯 is picked by typing its pinyin, saved as the division, and shown by its full name after reopening', async () => {
  const { profile, demo } = demoSchool();
  const name = '李燕';
  const app = await launch(profile, [demo]);
  const { browser } = app;
  try {
    await waitForDemoSchool(browser);
    await openForm(browser, name);
    await until(browser, async () => (await activeFormTab(browser)) === 'form-tab-basic', 'the form did not open on 基本信息');

    // Typing the pinyin of 绵阳 and 三台 offers 四川省绵阳市三台县; Enter takes it.
    const input = await inputOf(browser, 'field-basic-native_place');
    await input.waitForDisplayed({ timeout: 10_000 });
    await input.click();
    await input.setValue('mianyangsantai');
    await until(
      browser,
      () =>
        browser.execute(() =>
          [...document.querySelectorAll('.taoli-region-dropdown .el-cascader__suggestion-item')].some(
            (li) => li.offsetParent !== null && li.textContent.includes('四川省绵阳市三台县'),
          ),
        ),
      'typing mianyangsantai did not offer 四川省绵阳市三台县',
    );
    await screenshot(browser, 'teacher-form-region-search');
    await browser.keys('Enter');
    await until(
      browser,
      async () => (await regionShown(browser, 'field-basic-native_place')) === '四川省绵阳市三台县',
      '籍贯 does not show 四川省绵阳市三台县 once picked',
    );
    await click(browser, 'form-save');
    await untilMessage(browser, '已保存');

    await click(browser, 'form-back');
    await openForm(browser, name);
    await until(
      browser,
      async () => (await regionShown(browser, 'field-basic-native_place')) === '四川省绵阳市三台县',
      'the saved 籍贯 is not shown by its full name after reopening the form',
    );
    await screenshot(browser, 'teacher-form-region-saved');
  } finally {
    await app.stop();
  }
});

test('a teacher added with a resident ID number finds 出生日期 and 性别 filled from it in the form', async () => {
  const { profile, demo } = demoSchool();
  const app = await launch(profile, [demo]);
  const { browser } = app;
  // Born 1988-05-12 in 510722; the 17th digit 2 is even: a woman.
  const teacher = { name: '孙丽华', id: residentId('51072219880512202') };
  try {
    await waitForDemoSchool(browser);
    await click(browser, 'add-teacher');
    await fill(browser, 'teacher-name', teacher.name);
    await fill(browser, 'teacher-id-number', teacher.id);
    // As the number is typed and found valid, the dialog says what saving fills.
    await until(
      browser,
      async () => (await textsOf(browser, 'teacher-id-derived')).some((t) => t.includes('出生日期 1988-05-12、性别 女')),
      'the dialog did not say that 出生日期 and 性别 come from the ID number',
    );
    await screenshot(browser, 'add-teacher-from-id');
    await click(browser, 'teacher-submit');
    await untilMessage(browser, `已添加教师 ${teacher.name}`);

    // The list is virtual: find the new teacher by name, as a clerk would.
    await fill(browser, 'teacher-search', teacher.name);
    await openForm(browser, teacher.name);
    await until(browser, async () => (await activeFormTab(browser)) === 'form-tab-basic', 'the form did not open on 基本信息');
    await until(
      browser,
      async () => (await (await inputOf(browser, 'field-basic-birth_date')).getValue()) === '1988-05-12',
      '出生日期 was not filled from the ID number',
    );
    await until(browser, async () => (await selectedText(browser, 'field-basic-gender')) === '2 女', '性别 was not filled from the ID number');
    assert.ok(
      !(await textsOf(browser, 'field-problem-birth_date')).some((t) => /必填/.test(t)),
      '出生日期 is reported missing although the ID number states it',
    );
    assert.equal((await textsOf(browser, 'field-problem-gender')).length, 0, 'a problem is shown under 性别');
    await screenshot(browser, 'teacher-form-from-id');
  } finally {
    await app.stop();
  }
});
