// 在职情况变动 in the real window: the clerk changes a teacher's 人员状态 from
// the form (one change that takes effect at once, one the county approves),
// reads the status timeline, filters the teacher list by 人员状态, and finds
// a departed teacher in the teacher list's 离校教师 view, kept with when and
// why they left.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  launch, click, fill, choose, textsOf, until, untilMessage, messages, screenshot, demoSchool,
  waitForDemoSchool, openForm, clickWhenFree, cliBinary, repoRoot, ADMIN, CLERK,
} from '../lib/app.mjs';

const LUO = { name: '罗玉兰', id: '510704199509208627' };
const LI = { name: '李燕', id: '511002198304121347' };

/** Runs the taoli command line on the demo file, as `who`. */
function taoli(who, ...args) {
  const env = {
    ...process.env,
    TAOLI_USER: who.name,
    TAOLI_PASSWORD: who.password,
    TAOLI_ADMIN_PASSWORD: ADMIN.password,
  };
  return execFileSync(cliBinary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Gives a demo teacher the status 100 在本单位任职, as entered before any change. */
function inPost(demo, teacher) {
  taoli(CLERK, 'teacher', 'set', demo, '--id-number', teacher.id, 'personnel_status=100');
}

test('a status change on the form shows on the timeline; one for the county waits; the list filters by it', async () => {
  const { profile, demo } = demoSchool();
  inPost(demo, LUO);
  const app = await launch(profile, [demo]);
  const { browser } = app;
  try {
    await waitForDemoSchool(browser);
    await openForm(browser, LUO.name);

    await click(browser, 'form-status-change');
    assert.match((await textsOf(browser, 'status-current'))[0], /100/);
    await choose(browser, 'status-to', '204');
    await until(browser, async () => (await textsOf(browser, 'status-rule')).join('').includes('立即生效'), 'the rule of 204 was not shown');
    await fill(browser, 'status-reason', '赴师范大学脱产进修一年');
    await click(browser, 'status-save');
    await untilMessage(browser, '已变动');

    await click(browser, 'form-status-change');
    await choose(browser, 'status-to', '301');
    await until(browser, async () => (await textsOf(browser, 'status-rule')).join('').includes('需上级审核'), 'the rule of 301 was not shown');
    await fill(browser, 'status-reason', '到龄退休');
    await click(browser, 'status-save');
    // 301 asks for evidence: the dialog says so and keeps what was typed.
    await until(browser, async () => (await textsOf(browser, 'status-error')).join('').includes('证明材料'), 'missing evidence was not asked for');
    await fill(browser, 'status-evidence', '桃教人〔2026〕12号');
    await click(browser, 'status-save');
    await untilMessage(browser, '等待上级审核');
    await until(browser, async () => (await textsOf(browser, 'form-status-pending')).length === 1, 'the pending banner did not show');

    await click(browser, 'form-tab-status-history');
    await until(browser, async () => (await textsOf(browser, 'status-event')).length === 3, 'the timeline did not list three events');
    const states = await textsOf(browser, 'status-event-state');
    assert.deepEqual(states, ['待上级审核', '已生效', '建档时']);
    const events = await textsOf(browser, 'status-event');
    assert.match(events[0], /301 退休/);
    assert.match(events[0], /桃教人〔2026〕12号/);
    assert.match(events[1], /204 进修/);
    await until(browser, async () => (await messages(browser)).length === 0, 'the messages did not close');
    await screenshot(browser, 'status-timeline');

    // The teacher list filters by 人员状态: 204 进修 lists her alone.
    await click(browser, 'form-back');
    await until(browser, async () => (await textsOf(browser, 'teacher-row-name')).length > 1, 'the teacher list did not come back');
    await choose(browser, 'list-status-filter', '204');
    await until(browser, async () => (await textsOf(browser, 'teacher-row-name')).join() === LUO.name, 'the status filter did not list her alone');
    await screenshot(browser, 'teacher-list-status-filter');
  } finally {
    await app.stop();
  }
});

test('a departed teacher leaves the roster and is listed under 离校教师 with when and why', async () => {
  const { profile, demo } = demoSchool();
  // A province where the school records a retirement at once.
  const pack = join(repoRoot, 'fixtures/province/status-changes-school-decides.toml');
  taoli(ADMIN, 'province', 'use', demo, pack);
  inPost(demo, LI);
  taoli(CLERK, 'teacher', 'status', demo, '--id-number', LI.id, '--to', '退休', '--date', '2026-08-31', '--reason', '到龄退休');
  const app = await launch(profile, [demo]);
  const { browser } = app;
  try {
    await waitForDemoSchool(browser);
    await until(browser, async () => (await textsOf(browser, 'teacher-row-name')).length > 0, 'the teacher list stayed empty');
    assert.ok(!(await textsOf(browser, 'teacher-row-name')).includes(LI.name), 'a departed teacher is on the roster');
    assert.match((await textsOf(browser, 'roster-departed'))[0], /离校教师（1）/);

    await click(browser, 'roster-departed');
    await until(browser, async () => (await textsOf(browser, 'teacher-row-name')).join() === LI.name, 'the 离校教师 view did not list 李燕 alone');
    await until(browser, async () => (await textsOf(browser, 'teacher-row-departed')).join().includes('301 退休'), 'the status she left with is not shown');
    await browser.pause(400); // the switch's colour transition
    await screenshot(browser, 'departed-teachers');

    await openForm(browser, LI.name);
    await until(browser, async () => (await textsOf(browser, 'form-status-locked')).length === 1, 'her information is not shown as locked');
  } finally {
    await app.stop();
  }
});

test('a name typed wrong is corrected with its reason, and a teacher entered by mistake is removed', async () => {
  const { profile, demo } = demoSchool();
  const app = await launch(profile, [demo]);
  const { browser } = app;
  try {
    await waitForDemoSchool(browser);
    await openForm(browser, LUO.name);

    await click(browser, 'form-more-open');
    await click(browser, 'form-correct');
    await fill(browser, 'correction-name', '罗玉岚');
    await fill(browser, 'correction-reason', '姓名录入错字，以身份证为准');
    await screenshot(browser, 'correction-dialog');
    await click(browser, 'correction-save');
    await untilMessage(browser, '已更正');
    await until(browser, async () => ((await textsOf(browser, 'form-title'))[0] || '').includes('罗玉岚'), 'the form did not show the corrected name');

    await click(browser, 'form-more-open');
    await click(browser, 'form-remove');
    const reason = await browser.$('.el-message-box__input input');
    await reason.waitForDisplayed({ timeout: 20_000 });
    await reason.setValue('重复录入');
    await clickWhenFree(browser, await browser.$('.el-message-box__btns .el-button--primary'));
    await untilMessage(browser, '已删除教师 罗玉岚');
    await until(browser, async () => (await textsOf(browser, 'teacher-row-name')).length > 0, 'the teacher list did not come back');
    assert.ok(!(await textsOf(browser, 'teacher-row-name')).includes('罗玉岚'), 'the removed teacher is still listed');
  } finally {
    await app.stop();
  }
});

test('a teacher registered twice is flagged on the teacher list and merged', async () => {
  const { profile, demo } = demoSchool();
  // The same person again, under another ID type.
  taoli(CLERK, 'teacher', 'add', demo, '--name', LUO.name, '--id-type', 'A', '--id-number', LUO.id);
  const app = await launch(profile, [demo]);
  const { browser } = app;
  try {
    await waitForDemoSchool(browser);
    await until(browser, async () => (await textsOf(browser, 'duplicates-banner')).length === 1, 'the duplicate was not flagged');
    assert.match((await textsOf(browser, 'duplicates-banner'))[0], /发现 1 组疑似重复/);
    await click(browser, 'duplicates-open');
    await until(browser, async () => (await textsOf(browser, 'duplicate-pair')).length === 1, 'the pair was not listed');
    assert.match((await textsOf(browser, 'duplicate-pair'))[0], /证件号相同/);
    await screenshot(browser, 'duplicates-dialog');
    const keep = await browser.$$('[data-testid="duplicate-keep"]');
    await clickWhenFree(browser, keep[0]);
    const reason = await browser.$('.el-message-box__input input');
    await reason.waitForDisplayed({ timeout: 20_000 });
    await reason.setValue('同一人用两种证件重复登记');
    await clickWhenFree(browser, await browser.$('.el-message-box__btns .el-button--primary'));
    await untilMessage(browser, '已合并');
    await until(browser, async () => (await textsOf(browser, 'duplicates-banner')).length === 0, 'the notice stayed after the merge');
    assert.equal((await textsOf(browser, 'teacher-row-name')).filter((n) => n === LUO.name).length, 1);
  } finally {
    await app.stop();
  }
});
