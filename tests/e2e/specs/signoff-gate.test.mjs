// Sign-off as a gate in the real window against the real reference upstream
// on 127.0.0.1 (docs/batches.md, "The sign-off gate"): the 系统管理员 turns
// 报送前本人签字确认 on in 设置 (screenshot settings-signoff.png); the
// clerk's 报送 page says the teacher waits for their signature and 立即上传
// sends nothing (screenshot submit-signoff-held.png); once the teacher's
// sheet is printed and the signature recorded, 立即上传 sends them, with
// the sign-off.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  launch, click, clickText, fill, byTestId, textsOf, until, screenshot, demoSchool, waitForDemoSchool,
  switchUser, cliBinary, messages, openTeacherList, openForm, ADMIN, CLERK, CALL_TIMEOUT_MS,
} from '../lib/app.mjs';
import { startUpstream, enrollmentCode, pendingRecords } from '../lib/upstream.mjs';

const SCHOOL_CODE = '2151072201';

/** One demo teacher whose information the clerk completed (the others still have errors). */
const TEACHER = { name: '罗玉兰', id: '510704199509208627' };

/** `taoli` as the clerk, on this computer without a keychain. */
function taoli(...args) {
  const env = {
    ...process.env,
    TAOLI_USER: CLERK.name,
    TAOLI_PASSWORD: CLERK.password,
    TAOLI_ADMIN_PASSWORD: ADMIN.password,
  };
  return execFileSync(cliBinary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Completes the teacher and enrolls the school, through the command line. */
function prepare(demo, upstream) {
  taoli('teacher', 'set', demo, '--id-number', TEACHER.id,
    'gender=2', 'birth_date=1995-09-20', 'work_start_month=2017-09', 'school_entry_month=2017-09',
    'nationality=156', 'ethnicity=01', 'political_status=13', 'staff_source=101', 'staff_category=A1',
    'on_establishment=1', 'contract=1', 'normal_major_graduate=1', 'special_ed_trained=0',
    'special_ed_certificate=0', 'it_ability=3', 'free_normal_student=0', 'grassroots_project=0',
    'special_grade_teacher=0', 'key_teacher=0', 'mental_health_teacher=0', 'personnel_status=100');
  taoli('record', 'add', demo, '--id-number', TEACHER.id, '--group', '学习经历',
    'education=21', 'degree_level=4', 'study_mode=1', 'enrollment_month=2013-09', 'graduation_month=2017-07');
  taoli('record', 'add', demo, '--id-number', TEACHER.id, '--group', '工作经历', 'employer=桃李县实验小学', 'start_month=2017-09');
  taoli('record', 'add', demo, '--id-number', TEACHER.id, '--group', '岗位聘任', 'post_category=1', 'post_level=998', 'start_month=2017-09');
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

/** The 说明 of the teacher's row on the 报送 page. */
async function noteOf(browser, name) {
  return browser.execute((wanted) => {
    for (const row of document.querySelectorAll('[data-testid="upload-table"] tr')) {
      const cell = row.querySelector('[data-testid="upload-row-name"]');
      if (cell && cell.textContent.trim() === wanted) {
        return Array.from(row.querySelectorAll('[data-testid="upload-row-note"]')).map((n) => n.textContent.trim()).join('\n');
      }
    }
    return null;
  }, name);
}

test('with 报送前本人签字确认 on, an unsigned teacher waits on 报送 and goes once their signature is recorded', async () => {
  const upstream = await startUpstream();
  const { profile, demo } = demoSchool();
  prepare(demo, upstream);
  const app = await launch(profile, [demo]);
  const { browser } = app;
  try {
    // 设置: the 系统管理员 turns the gate on.
    await waitForDemoSchool(browser, ADMIN, { to: 'home' });
    await click(browser, 'open-settings');
    await (await byTestId(browser, 'settings-signoff')).waitForDisplayed({ timeout: CALL_TIMEOUT_MS });
    await until(browser, async () => /已关闭/.test((await textsOf(browser, 'settings-signoff-state'))[0] || ''), 'the gate is not shown off');
    await click(browser, 'settings-signoff-required');
    await until(browser, async () => /已开启/.test((await textsOf(browser, 'settings-signoff-state'))[0] || ''), 'the gate did not turn on');
    assert.match((await textsOf(browser, 'settings-signoff-state'))[0], /\d+ 人未签字/);
    await (await byTestId(browser, 'settings-signoff')).scrollIntoView();
    await screenshot(browser, 'settings-signoff');

    // 报送: the teacher waits for the signature, and nothing goes.
    await switchUser(browser, CLERK);
    await click(browser, 'open-submit');
    await until(browser, async () => /学校要求报送前本人签字确认/.test((await noteOf(browser, TEACHER.name)) || ''), 'the teacher’s row does not say it waits for the signature');
    await until(
      browser,
      async () => (await textsOf(browser, 'submit-missing-item')).some((line) => /1 位教师的改动要等签字后才上传/.test(line)),
      '还差什么 does not name the teachers waiting for a signature',
    );
    await until(browser, async () => (await messages(browser)).length === 0, 'the toasts did not go away');
    await screenshot(browser, 'submit-signoff-held');

    // The teacher's sheet is printed from their form; the paper comes back
    // signed and the clerk records the signature by its fingerprint.
    await openTeacherList(browser);
    await openForm(browser, TEACHER.name);
    await click(browser, 'form-print-sheet');
    await fill(browser, 'sheets-path', join(profile.data, `${TEACHER.name}.pdf`));
    await click(browser, 'sheets-print');
    await until(browser, async () => (await textsOf(browser, 'sheets-done-summary')).length === 1, 'the PDF was not made');
    const [fingerprint] = await textsOf(browser, 'sheets-printed-fingerprint');
    await clickText(browser, 'sheets-signoff', /登记签字/);
    await fill(browser, 'signoff-fingerprint', fingerprint);
    await click(browser, 'signoff-confirm');
    await until(browser, async () => (await textsOf(browser, 'sheets-printed-state'))[0] === '已签字', 'the sheet was not marked signed');
    await click(browser, 'nav-home');
    await click(browser, 'open-submit');
    await until(browser, async () => !/签字/.test((await noteOf(browser, TEACHER.name)) ?? '签字'), 'the teacher still waits for the signature');
    await click(browser, 'submit-now');
    await answerPasswordIfAsked(browser, async () => (await pendingRecords(upstream.url)).length > 0);
    await until(browser, async () => (await pendingRecords(upstream.url)).length > 0, 'the upstream did not receive the signed teacher');
    const received = await pendingRecords(upstream.url);
    assert.ok(received.some((r) => JSON.stringify(r).includes(fingerprint)), 'the change does not carry the sign-off');
  } finally {
    await app.stop();
    upstream.stop();
  }
});
