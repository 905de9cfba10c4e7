// 报送 in the real window against the real reference upstream on 127.0.0.1:
// enrolling through the dialog with the county's 报送码, 立即上传 and the
// receipt, the reviewer returning one teacher (shown after the sync worker's
// next pass, on the 报送 page, in the teacher list and in the form), the
// correction reported again and accepted: 已生效.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  launch, click, fill, choose, byTestId, textsOf, until, untilMessage, messages, screenshot, demoSchool,
  waitForDemoSchool, openForm, clickWhenFree, cliBinary, ADMIN, CLERK, CALL_TIMEOUT_MS,
} from '../lib/app.mjs';
import {
  startUpstream, enrollmentCode, upstreamFingerprint, accept, sendBack, pendingRecords,
} from '../lib/upstream.mjs';

const SCHOOL_CODE = '2151072201';
const RETURN_REASON = '民族与户籍登记不一致，请核对后重新上报';

/** Two demo teachers whose information the clerk completed earlier (the others still have errors). */
const COMPLETE = [
  {
    name: '罗玉兰',
    id: '510704199509208627',
    basic: ['gender=2', 'birth_date=1995-09-20', 'work_start_month=2017-09', 'school_entry_month=2017-09'],
    education: ['enrollment_month=2013-09', 'graduation_month=2017-07'],
    start: '2017-09',
  },
  {
    name: '李燕',
    id: '511002198304121347',
    basic: ['gender=2', 'birth_date=1983-04-12', 'work_start_month=2005-09', 'school_entry_month=2008-09'],
    education: ['enrollment_month=2001-09', 'graduation_month=2005-07'],
    start: '2005-09',
  },
];

/** Completes the two teachers through the command line, as the clerk. */
function completeTeachers(demo) {
  const env = {
    ...process.env,
    TAOLI_USER: CLERK.name,
    TAOLI_PASSWORD: CLERK.password,
    TAOLI_ADMIN_PASSWORD: ADMIN.password,
  };
  const taoli = (...args) => execFileSync(cliBinary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  for (const t of COMPLETE) {
    taoli('teacher', 'set', demo, '--id-number', t.id, ...t.basic,
      'nationality=156', 'ethnicity=01', 'political_status=13', 'staff_source=101', 'staff_category=A1',
      'on_establishment=1', 'contract=1', 'normal_major_graduate=1', 'special_ed_trained=0',
      'special_ed_certificate=0', 'it_ability=3', 'free_normal_student=0', 'grassroots_project=0',
      'special_grade_teacher=0', 'key_teacher=0', 'mental_health_teacher=0', 'personnel_status=100');
    taoli('record', 'add', demo, '--id-number', t.id, '--group', '学习经历',
      'education=21', 'degree_level=4', 'study_mode=1', ...t.education);
    taoli('record', 'add', demo, '--id-number', t.id, '--group', '工作经历', 'employer=桃李县实验小学', `start_month=${t.start}`);
    taoli('record', 'add', demo, '--id-number', t.id, '--group', '岗位聘任', 'post_category=1', 'post_level=998', `start_month=${t.start}`);
  }
}

/** The status tag of `name` on the 报送 page's teacher table. */
async function uploadStatusOf(browser, name) {
  return browser.execute((wanted) => {
    for (const row of document.querySelectorAll('[data-testid="upload-table"] tr')) {
      const cell = row.querySelector('[data-testid="upload-row-name"]');
      if (cell && cell.textContent.trim() === wanted) {
        return {
          status: row.querySelector('[data-testid="upload-row-status"]')?.textContent.trim() ?? '',
          note: Array.from(row.querySelectorAll('[data-testid="upload-row-note"]')).map((n) => n.textContent.trim()).join('\n'),
        };
      }
    }
    return null;
  }, name);
}

async function untilStatus(browser, name, status, message) {
  await until(browser, async () => (await uploadStatusOf(browser, name))?.status === status, message);
}

/** Waits until the toasts are gone, for a screenshot of the page itself. */
async function untilNoToasts(browser) {
  await until(browser, async () => (await messages(browser)).length === 0, 'the toasts did not go away');
}

/** 立即上传, then waits for the toast that the upstream received batch `n`. */
async function submitAndWaitReceived(browser, n) {
  await click(browser, 'submit-now');
  await untilMessage(browser, `已上传第 ${n} 批`);
}

test('enroll with the county’s code, upload, get the receipt, a returned teacher corrected and accepted', async () => {
  const upstream = await startUpstream();
  const { profile, demo } = demoSchool();
  completeTeachers(demo);
  const app = await launch(profile, [demo], { TAOLI_SYNC_INTERVAL_SECONDS: '3' });
  const { browser } = app;
  try {
    await waitForDemoSchool(browser, CLERK);
    await click(browser, 'open-submit');
    await (await byTestId(browser, 'submit-not-enrolled')).waitForDisplayed({ timeout: CALL_TIMEOUT_MS });

    // 登记: the upstream's address and the county's 报送码.
    const code = enrollmentCode(upstream.db, SCHOOL_CODE);
    await click(browser, 'enroll-open');
    await fill(browser, 'enroll-upstream', upstream.url);
    await fill(browser, 'enroll-code', 'AAAA-BBBB-CCCC-DDDD');
    await click(browser, 'enroll-submit');
    // This computer has no keychain: the key is kept under the 系统管理员 password.
    const passwordAsked = async () => (await byTestId(browser, 'enroll-admin-password').isDisplayed().catch(() => false));
    await until(
      browser,
      async () => (await passwordAsked()) || (await textsOf(browser, 'enroll-error')).length > 0,
      'enrolling said nothing',
    );
    if (await passwordAsked()) {
      await fill(browser, 'enroll-admin-password', ADMIN.password);
      await click(browser, 'enroll-submit');
    }
    await until(
      browser,
      async () => /报送码/.test((await textsOf(browser, 'enroll-error'))[0] || ''),
      'a wrong 报送码 is not said so in Chinese',
    );
    await fill(browser, 'enroll-code', code);
    await screenshot(browser, 'submit-enroll-dialog');
    await click(browser, 'enroll-submit');
    // Enrolled: the upstream's receipt-key fingerprint, to compare group by
    // group with the one the county printed (`taoli-upstream fingerprint`).
    const printed = upstreamFingerprint(upstream.db);
    assert.match(printed, /^([0-9A-F]{4} ){15}[0-9A-F]{4}$/);
    await (await byTestId(browser, 'enroll-fingerprint-dialog')).waitForDisplayed({ timeout: CALL_TIMEOUT_MS });
    assert.equal((await textsOf(browser, 'enroll-fingerprint'))[0], printed);
    await screenshot(browser, 'submit-enroll-fingerprint');
    await click(browser, 'enroll-fingerprint-ok');
    await (await byTestId(browser, 'submit-enrollment')).waitForDisplayed({ timeout: CALL_TIMEOUT_MS });
    assert.ok((await textsOf(browser, 'submit-fingerprint'))[0].includes(printed), 'the 报送 page does not show the fingerprint');
    assert.match((await textsOf(browser, 'submit-enrollment'))[0], new RegExp(upstream.url.replace(/[.]/g, '\\.')));
    assert.match((await textsOf(browser, 'submit-deadline'))[0], /下一个报送截止日期|今天/);
    assert.ok(
      (await textsOf(browser, 'submit-missing-item')).some((line) => /位教师的信息有错误/.test(line)),
      'the demo teachers with errors are not said to be missing',
    );

    // 立即上传: the two complete teachers go; the upstream's receipt is kept.
    await submitAndWaitReceived(browser, 1);
    for (const t of COMPLETE) await untilStatus(browser, t.name, '已接收', `${t.name} is not 已接收`);
    await untilNoToasts(browser);
    await screenshot(browser, 'submit-page');
    await click(browser, 'submit-tab-batches');
    await until(browser, async () => (await textsOf(browser, 'batch-row-state'))[0] === '已接收', 'batch 1 is not 已接收');
    await click(browser, 'batch-row-receipt');
    await (await byTestId(browser, 'receipt-dialog')).waitForDisplayed({ timeout: CALL_TIMEOUT_MS });
    const batchId = (await textsOf(browser, 'receipt-batch'))[0];
    assert.match((await textsOf(browser, 'receipt-sha256'))[0], /^[0-9a-f]{64}$/);
    assert.match((await textsOf(browser, 'receipt-json'))[0], /taoli-batch\/1/);
    await screenshot(browser, 'submit-receipt');
    await click(browser, 'receipt-close');
    await click(browser, 'submit-tab-teachers');

    // The reviewer returns 罗玉兰's 基本信息 and accepts everything else.
    const pending = await pendingRecords(upstream.url);
    assert.ok(pending.length >= 10, `the upstream holds ${pending.length} records`);
    assert.ok(pending.every((r) => r.batch === batchId), 'records of another batch are pending');
    const luo = pending.find((r) => r.change.op === 'new_teacher' && r.change.fields?.name === '罗玉兰');
    assert.ok(luo, '罗玉兰 did not reach the upstream');
    const luoBasic = pending.find((r) => r.teacher === luo.teacher && r.change.group === 'basic');
    for (const r of pending) {
      if (r === luoBasic) sendBack(upstream.db, r.batch, r.record, RETURN_REASON);
      else accept(upstream.db, r.batch, r.record);
    }

    // The sync worker's next pass brings the decisions; the page follows.
    await untilStatus(browser, '罗玉兰', '已退回', 'the worker did not bring 罗玉兰 back as 已退回');
    assert.match((await uploadStatusOf(browser, '罗玉兰')).note, new RegExp(`基本信息.*${RETURN_REASON}`));
    await untilStatus(browser, '李燕', '已生效', '李燕 is not 已生效');
    assert.match((await textsOf(browser, 'submit-last-sync'))[0], /退回 1 条/);
    await screenshot(browser, 'submit-returned');

    // The teacher list shows it too, and the form says why.
    await click(browser, 'submit-back');
    await until(
      browser,
      async () => (await textsOf(browser, 'teacher-row-upload')).includes('已退回'),
      'the teacher list does not show 已退回',
    );
    await openForm(browser, '罗玉兰');
    await until(
      browser,
      async () => ((await textsOf(browser, 'form-returned-reason'))[0] || '').includes(RETURN_REASON),
      'the form does not show the reviewer’s reason',
    );

    // The clerk corrects 民族 and reports again.
    await choose(browser, 'field-basic-ethnicity', '回');
    await click(browser, 'form-save');
    await untilMessage(browser, '已保存');
    await click(browser, 'form-back');
    await click(browser, 'open-submit');
    await untilStatus(browser, '罗玉兰', '待上传', 'the correction is not 待上传');
    await submitAndWaitReceived(browser, 2);
    await untilStatus(browser, '罗玉兰', '已接收', 'the correction is not 已接收');

    // Accepted: 已生效.
    const second = (await pendingRecords(upstream.url)).filter((r) => r.sequence === 2);
    assert.equal(second.length, 1, 'batch 2 carries only the corrected 基本信息');
    assert.equal(second[0].record, second[0].change.id);
    assert.equal(second[0].change.op, 'update_record');
    for (const r of second) accept(upstream.db, r.batch, r.record);
    await untilStatus(browser, '罗玉兰', '已生效', 'the worker did not bring 罗玉兰 as 已生效');
    await clickWhenFree(browser, await byTestId(browser, 'submit-tab-batches'));
    await until(
      browser,
      async () => (await textsOf(browser, 'batch-row-state')).join(',') === '已生效,已退回',
      'the batches do not show 已生效 and 已退回',
    );
  } finally {
    await app.stop();
    upstream.stop();
  }
});
