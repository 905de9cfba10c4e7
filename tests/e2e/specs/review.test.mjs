// 学校负责人审核 in the real window against the real reference upstream on
// 127.0.0.1 (docs/batches.md, "The review gate"): the 系统管理员 turns the
// review on in 设置, the clerk's 提交审核 builds a batch that waits (待审核)
// and is not uploaded, the 系统管理员 sees it per teacher in the 待审核 view
// (screenshot review-pending.png), approves it, and the upstream receives it.
// Or the 系统管理员 returns it (退回) with a note: the side menu's 待审核
// count goes, and the clerk reads the note on the 报送 page with the teacher
// back as 待上传 (screenshot review-returned.png).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  launch, click, clickWhenFree, byTestId, textsOf, until, untilMessage, screenshot, demoSchool, waitForDemoSchool,
  switchUser, cliBinary, messages, ADMIN, CLERK, CALL_TIMEOUT_MS,
} from '../lib/app.mjs';
import { startUpstream, enrollmentCode, pendingRecords } from '../lib/upstream.mjs';

const SCHOOL_CODE = '2151072201';

/** One demo teacher whose information the clerk completed (the others still have errors). */
const TEACHER = {
  name: '罗玉兰',
  id: '510704199509208627',
  basic: ['gender=2', 'birth_date=1995-09-20', 'work_start_month=2017-09', 'school_entry_month=2017-09'],
  education: ['enrollment_month=2013-09', 'graduation_month=2017-07'],
  start: '2017-09',
};

/** `taoli` as `who` (the clerk unless said), on this computer without a keychain. */
function taoliAs(who, ...args) {
  const env = {
    ...process.env,
    TAOLI_USER: who.name,
    TAOLI_PASSWORD: who.password,
    TAOLI_ADMIN_PASSWORD: ADMIN.password,
  };
  return execFileSync(cliBinary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

function taoli(...args) {
  return taoliAs(CLERK, ...args);
}

/** Completes the teacher and enrolls the school, through the command line. */
function prepare(demo, upstream) {
  const t = TEACHER;
  taoli('teacher', 'set', demo, '--id-number', t.id, ...t.basic,
    'nationality=156', 'ethnicity=01', 'political_status=13', 'staff_source=101', 'staff_category=A1',
    'on_establishment=1', 'contract=1', 'normal_major_graduate=1', 'special_ed_trained=0',
    'special_ed_certificate=0', 'it_ability=3', 'free_normal_student=0', 'grassroots_project=0',
    'special_grade_teacher=0', 'key_teacher=0', 'mental_health_teacher=0', 'personnel_status=100');
  taoli('record', 'add', demo, '--id-number', t.id, '--group', '学习经历',
    'education=21', 'degree_level=4', 'study_mode=1', ...t.education);
  taoli('record', 'add', demo, '--id-number', t.id, '--group', '工作经历', 'employer=桃李县实验小学', `start_month=${t.start}`);
  taoli('record', 'add', demo, '--id-number', t.id, '--group', '岗位聘任', 'post_category=1', 'post_level=998', `start_month=${t.start}`);
  taoli('enroll', demo, '--upstream', upstream.url, '--code', enrollmentCode(upstream.db, SCHOOL_CODE));
}

/** Answers the 系统管理员 password box, when the signing key kept in the school file asks for it. */
async function answerPasswordIfAsked(browser, done) {
  await until(
    browser,
    async () => (await browser.$('.admin-password-dialog').isDisplayed().catch(() => false)) || (await done()),
    'neither the password box nor the result showed',
  );
  if (await browser.$('.admin-password-dialog').isDisplayed().catch(() => false)) {
    const input = await browser.$('.admin-password-dialog input');
    await input.setValue(ADMIN.password);
    await (await browser.$('.admin-password-dialog .el-button--primary')).click();
  }
}

/** The status tag of `name` on the 报送 page's teacher table ('' when not listed). */
async function uploadStatusOf(browser, name) {
  return browser.execute((wanted) => {
    for (const row of document.querySelectorAll('[data-testid="upload-table"] tr')) {
      const cell = row.querySelector('[data-testid="upload-row-name"]');
      if (cell && cell.textContent.trim() === wanted) {
        return row.querySelector('[data-testid="upload-row-status"]')?.textContent.trim() ?? '';
      }
    }
    return '';
  }, name);
}

/** The count on the side menu's 待审核 entry ('' when it shows none). */
async function reviewBadge(browser) {
  return browser.execute(() => {
    const badge = document.querySelector('[data-testid="open-review-badge"] .el-badge__content');
    return badge && badge.offsetParent !== null ? badge.textContent.trim() : '';
  });
}

async function toastSays(browser, pattern) {
  const texts = await browser.execute(() =>
    Array.from(document.querySelectorAll('.el-message')).map((e) => e.textContent ?? ''),
  );
  return texts.some((text) => pattern.test(text));
}

test('the 系统管理员 turns the review on, sees the clerk’s batch in 待审核, approves it, and it is uploaded', async () => {
  const upstream = await startUpstream();
  const { profile, demo } = demoSchool();
  prepare(demo, upstream);
  const app = await launch(profile, [demo]);
  const { browser } = app;
  try {
    // 设置: the 系统管理员 turns the review on.
    await waitForDemoSchool(browser, ADMIN, { to: 'home' });
    await click(browser, 'open-settings');
    await (await byTestId(browser, 'settings-review')).waitForDisplayed({ timeout: CALL_TIMEOUT_MS });
    await until(browser, async () => /已关闭/.test((await textsOf(browser, 'settings-review-state'))[0] || ''), 'the review is not shown off');
    await click(browser, 'settings-review-required');
    await until(browser, async () => /已开启/.test((await textsOf(browser, 'settings-review-state'))[0] || ''), 'the review did not turn on');

    // 报送: the clerk's 提交审核 builds the batch, which waits.
    await switchUser(browser, CLERK);
    await click(browser, 'open-submit');
    await until(browser, async () => /提交审核/.test((await textsOf(browser, 'submit-now'))[0] || ''), 'the button does not say 提交审核');
    await click(browser, 'submit-now');
    await answerPasswordIfAsked(browser, () => toastSays(browser, /已提交审核/));
    await untilMessage(browser, '已提交审核');
    await until(browser, async () => /待审核/.test((await textsOf(browser, 'submit-review-waiting'))[0] || ''), 'the 报送 page does not say 待审核');
    assert.equal((await pendingRecords(upstream.url)).length, 0, 'the upstream has a batch before the review');

    // 待审核: the 系统管理员 sees the batch per teacher, before → after.
    await switchUser(browser, ADMIN);
    await until(browser, async () => (await reviewBadge(browser)) === '1', 'the 待审核 entry does not show 1');
    await click(browser, 'open-review');
    await (await byTestId(browser, 'review-batch')).waitForDisplayed({ timeout: CALL_TIMEOUT_MS });
    assert.match((await textsOf(browser, 'review-batch'))[0], /第 1 批/);
    assert.ok((await textsOf(browser, 'review-teacher-name')).includes(TEACHER.name), `${TEACHER.name} is not in the batch`);
    assert.ok((await textsOf(browser, 'review-field')).some((row) => /民族/.test(row)), 'no value is shown by its indicator label');
    await until(browser, async () => (await messages(browser)).length === 0, 'the toasts did not go away');
    await screenshot(browser, 'review-pending');

    // 批准并上传: signed with the school's key and received upstream.
    await click(browser, 'review-approve');
    await answerPasswordIfAsked(browser, () => toastSays(browser, /已批准第 1 批/));
    await untilMessage(browser, '已批准第 1 批');
    await (await byTestId(browser, 'review-nothing')).waitForDisplayed({ timeout: CALL_TIMEOUT_MS });
    await until(browser, async () => (await reviewBadge(browser)) === '', 'the 待审核 count stayed after the approval');
    const received = await pendingRecords(upstream.url);
    assert.ok(received.length > 0, 'the upstream did not receive the approved batch');
    assert.ok(received.every((r) => r.sequence === 1));
  } finally {
    await app.stop();
    upstream.stop();
  }
});

test('the 系统管理员 returns the batch with a note, and the clerk reads it with the teacher back as 待上传', async () => {
  const upstream = await startUpstream();
  const { profile, demo } = demoSchool();
  prepare(demo, upstream);
  taoliAs(ADMIN, 'review', 'setting', demo, 'on');
  const app = await launch(profile, [demo]);
  const { browser } = app;
  const NOTE = '罗玉兰的学历请再核对毕业时间';
  try {
    // 报送: the clerk's 提交审核; the teacher waits for the school, 待审核, not 上传中.
    await waitForDemoSchool(browser, CLERK, { to: 'home' });
    assert.equal(await (await byTestId(browser, 'open-review')).isExisting(), false, 'the clerk has a 待审核 entry');
    await click(browser, 'open-submit');
    await until(browser, async () => /提交审核/.test((await textsOf(browser, 'submit-now'))[0] || ''), 'the button does not say 提交审核');
    await click(browser, 'submit-now');
    await answerPasswordIfAsked(browser, () => toastSays(browser, /已提交审核/));
    await untilMessage(browser, '已提交审核');
    await until(browser, async () => (await uploadStatusOf(browser, TEACHER.name)) === '待审核', `${TEACHER.name} is not shown 待审核`);

    // The 系统管理员's side menu counts the batch waiting.
    await switchUser(browser, ADMIN);
    await until(browser, async () => (await reviewBadge(browser)) === '1', 'the 待审核 entry does not show 1');
    await click(browser, 'open-review');
    await (await byTestId(browser, 'review-batch')).waitForDisplayed({ timeout: CALL_TIMEOUT_MS });

    // 退回 with a note, typed in the window.
    await click(browser, 'review-return');
    const box = await browser.$('.review-note-dialog');
    await box.waitForDisplayed({ timeout: CALL_TIMEOUT_MS });
    await (await box.$('textarea')).setValue(NOTE);
    await clickWhenFree(browser, await box.$('.el-button--primary'));
    await untilMessage(browser, '已退回第 1 批');
    await (await byTestId(browser, 'review-nothing')).waitForDisplayed({ timeout: CALL_TIMEOUT_MS });
    await until(browser, async () => (await reviewBadge(browser)) === '', 'the 待审核 count stayed after the return');
    assert.equal((await pendingRecords(upstream.url)).length, 0, 'the upstream has the returned batch');

    // 报送: the clerk reads the note, and the teacher's changes wait again.
    await switchUser(browser, CLERK);
    await click(browser, 'open-submit');
    await until(
      browser,
      async () => ((await textsOf(browser, 'submit-review-returned'))[0] || '').includes(NOTE),
      'the 报送 page does not show the note of the return',
    );
    assert.match((await textsOf(browser, 'submit-review-returned'))[0], /第 1 批被系统管理员 管理员 退回/);
    await until(browser, async () => (await uploadStatusOf(browser, TEACHER.name)) === '待上传', `${TEACHER.name} is not back as 待上传`);
    await until(browser, async () => (await messages(browser)).length === 0, 'the toasts did not go away');
    await screenshot(browser, 'review-returned');
  } finally {
    await app.stop();
    upstream.stop();
  }
});
