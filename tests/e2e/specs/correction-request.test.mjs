// An identity correction of a teacher in effect upstream (更正申请), in the
// real window against the real reference upstream on 127.0.0.1
// (docs/status-changes.md, "Corrections"): the clerk corrects the name with
// a reason and evidence; the form keeps the name in effect and shows the
// request (screenshot correction-request.png); 立即上传 carries it as a
// 变更申请 of the identity; the county returns it with a note, which 立即同步
// brings back to the form; the clerk withdraws it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  launch, click, fill, textsOf, until, untilMessage, screenshot, demoSchool, waitForDemoSchool,
  cliBinary, messages, openForm, openTeacherList, ADMIN, CLERK,
} from '../lib/app.mjs';
import { startUpstream, enrollmentCode, accept, sendBack, pendingRecords } from '../lib/upstream.mjs';

/** The correction waiting on the reviewer's page: its batch, its change id and its row's HTML. */
async function pendingCorrection(url) {
  const page = await (await fetch(`${url}/review`)).text();
  const m = /第 \d+ 批<br><code>([^<]+)<\/code><\/td><td><code>(correction:[^<]+)<\/code><\/td>([\s\S]*?)<\/tr>/.exec(page);
  return m ? { batch: m[1], record: m[2], row: m[3] } : null;
}

const SCHOOL_CODE = '2151072201';

/** One demo teacher whose information the clerk completed (the others still have errors). */
const TEACHER = { name: '罗玉兰', id: '510704199509208627', corrected: '罗玉岚' };

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

/** Completes the teacher, reports them, and the county accepts them whole (生效). */
async function teacherInEffect(demo, upstream) {
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
  taoli('submit', demo);
  for (const record of await pendingRecords(upstream.url)) accept(upstream.db, record.batch, record.record);
  taoli('sync', demo);
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

async function bannerState(browser) {
  return (await textsOf(browser, 'correction-request-state'))[0] || '';
}

test('a correction of a teacher in effect waits for the county, comes back returned with its note, and is withdrawn', async () => {
  const upstream = await startUpstream();
  const { profile, demo } = demoSchool();
  await teacherInEffect(demo, upstream);
  const app = await launch(profile, [demo]);
  const { browser } = app;
  try {
    await waitForDemoSchool(browser);
    await openForm(browser, TEACHER.name);

    // 更正身份信息: the request, with its reason and evidence.
    await click(browser, 'form-more-open');
    await click(browser, 'form-correct');
    await fill(browser, 'correction-name', TEACHER.corrected);
    await fill(browser, 'correction-reason', '姓名录入错字，以户口簿为准');
    await fill(browser, 'correction-evidence', '户口簿复印件');
    await click(browser, 'correction-save');
    await untilMessage(browser, '已提交更正申请');
    await until(browser, async () => /待上传/.test(await bannerState(browser)), 'the form does not show the request waiting to go');
    assert.match((await textsOf(browser, 'correction-request-change'))[0], new RegExp(`${TEACHER.name}.*→ ${TEACHER.corrected}`));
    assert.ok(((await textsOf(browser, 'form-title'))[0] || '').includes(TEACHER.name), 'the name in effect did not stay');
    await until(browser, async () => (await messages(browser)).length === 0, 'the toasts did not go away');
    await screenshot(browser, 'correction-request');

    // 报送 → 立即上传: the county gets a 变更申请 of the identity.
    await click(browser, 'form-back');
    await click(browser, 'open-submit');
    await click(browser, 'submit-now');
    let request = null;
    await answerPasswordIfAsked(browser, async () => Boolean(request = await pendingCorrection(upstream.url)));
    await until(browser, async () => Boolean(request = await pendingCorrection(upstream.url)), 'the upstream did not receive the correction');
    assert.match(request.row, /变更申请<br>（身份信息更正）/);
    assert.match(request.row, new RegExp(`改为 ${TEACHER.corrected}`));
    assert.match(request.row, /户口簿复印件/);

    // The county returns it; 立即同步 brings the note back to the form.
    sendBack(upstream.db, request.batch, request.record, '请附户口簿首页复印件');
    await click(browser, 'sync-now');
    await answerPasswordIfAsked(browser, async () => (await messages(browser)).length > 0);
    await openTeacherList(browser);
    await openForm(browser, TEACHER.name);
    await until(browser, async () => /上级已退回：请附户口簿首页复印件/.test(await bannerState(browser)), 'the form does not show the return note');

    // 撤回申请: the name in effect stays, and the request is gone.
    await click(browser, 'correction-request-withdraw');
    await untilMessage(browser, '已撤回更正申请');
    await until(browser, async () => (await textsOf(browser, 'correction-request')).length === 0, 'the request is still shown');
    assert.ok(((await textsOf(browser, 'form-title'))[0] || '').includes(TEACHER.name));
  } finally {
    await app.stop();
    upstream.stop();
  }
});
