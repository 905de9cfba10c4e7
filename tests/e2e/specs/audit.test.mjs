// 操作记录 in the real window: a change made in a teacher's form appears at
// the top of the log with its before → after, the form opens the log
// narrowed to that teacher, and 核验 finds the chain intact.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, click, choose, textsOf, until, screenshot, untilMessage,
  demoSchool, waitForDemoSchool, openForm, selectedText,
} from '../lib/app.mjs';

test('a saved change shows at the top of the 操作记录 with before and after, and 核验 finds the log intact', async () => {
  const { profile, demo } = demoSchool();
  const app = await launch(profile, [demo]);
  const { browser } = app;
  try {
    await waitForDemoSchool(browser);
    await until(browser, async () => (await textsOf(browser, 'teacher-row-name')).length >= 2, 'the teacher list is empty');
    const name = (await textsOf(browser, 'teacher-row-name'))[1];

    // The demo teachers' 基本信息 holds only the 出生日期 and 性别 their ID
    // numbers gave when they were added: saving 民族 changes that record.
    await openForm(browser, name);
    assert.equal(await selectedText(browser, 'field-basic-ethnicity'), '');
    await choose(browser, 'field-basic-ethnicity', '回族');
    await until(browser, async () => (await selectedText(browser, 'field-basic-ethnicity')).includes('回族'), '民族 was not set to 回族');
    await click(browser, 'form-save');
    await untilMessage(browser, '已保存');

    // From the form: the log of this teacher only.
    await click(browser, 'form-open-audit');
    await until(browser, async () => (await textsOf(browser, 'audit-row')).length > 0, 'the log shows no entry');
    const teachers = await textsOf(browser, 'audit-row-teacher');
    assert.ok(teachers.every((t) => t === name), `entries of other teachers: ${teachers}`);
    assert.equal((await textsOf(browser, 'audit-row-operation'))[0], '信息记录 · 修改');
    assert.match((await textsOf(browser, 'audit-row-changes'))[0], /民族：（空） → 回族/);
    await click(browser, 'audit-back');
    await until(browser, async () => ((await textsOf(browser, 'form-title'))[0] || '').includes(name), 'the form did not come back');

    // From the list: everyone's log, newest first, and the chain checked.
    await click(browser, 'form-back');
    await click(browser, 'open-audit');
    await until(browser, async () => (await textsOf(browser, 'audit-row-teacher'))[0] === name, 'the newest entry is not the change just saved');
    await click(browser, 'audit-verify');
    await until(browser, async () => (await textsOf(browser, 'audit-intact')).length === 1, 'the verification result did not appear');
    assert.match((await textsOf(browser, 'audit-intact'))[0], /操作记录完整：共 \d+ 条，未被改动。/);
    await until(
      browser,
      async () => browser.execute(() => !Array.from(document.querySelectorAll('.el-loading-mask')).some((m) => m.offsetParent !== null)),
      'the log is still loading',
    );
    await screenshot(browser, 'audit-log');
  } finally {
    await app.stop();
  }
});
