// The import wizard (导入花名册) in the real window: a small UTF-8 CSV roster
// goes into the demo school. Its 来校时间 column is recognized as 进本校年月,
// the preview counts four new teachers and refuses the row whose ID number
// has a wrong check character; the row whose year has two digits is imported
// with that cell kept as 待修正, which the teacher form then lists. The commit
// adds the four to the teacher list, and undoing the import from the history
// takes them away again.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  launch, fill, click, byTestId, textsOf, until, screenshot, messages, clickWhenFree,
  demoSchool, waitForDemoSchool, clickText,
} from '../lib/app.mjs';

/** GB 11643-1999: the check character of a resident ID number's first 17 digits. */
function residentId(first17) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, digit, i) => acc + Number(digit) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

// Born in 510722 (as the demo school's teachers), on dates none of them has.
// The 17th digit is odd for men and even for women.
const IMPORTED = [
  { name: '周明远', gender: '男', id: residentId('51072219860315101'), since: '2010-09' },
  { name: '吴晓琳', gender: '女', id: residentId('51072219900722202'), since: '2015.09' },
  { name: '郑国栋', gender: '男', id: residentId('51072219780109303'), since: '2001年9月' },
];
/** 来校时间 85.3: the century cannot be known, so the cell is kept as 待修正. */
const PENDING = { name: '冯雅婷', gender: '女', id: residentId('51072219920430404'), since: '85.3' };
/** A wrong check character: who the row is cannot be known, so it is refused. */
const REFUSED = (() => {
  const good = residentId('51072219880606505');
  const wrong = good.endsWith('1') ? '2' : '1';
  return { name: '钱晓梅', gender: '女', id: good.slice(0, 17) + wrong, since: '2012-09' };
})();

const DEMO_TEACHERS = 30;

/** Writes the roster as a clerk's spreadsheet would save it as CSV (UTF-8); returns its path. */
function writeRoster() {
  const dir = mkdtempSync(join(tmpdir(), 'taoli-roster-'));
  const birth = (id) => `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  const lines = [
    '姓名,性别,身份证件号,出生日期,民族,政治面貌,来校时间',
    ...[...IMPORTED, PENDING, REFUSED].map((t) => [t.name, t.gender, t.id, birth(t.id), '汉族', '群众', t.since].join(',')),
  ];
  const path = join(dir, '教师花名册.csv');
  writeFileSync(path, `${lines.join('\r\n')}\r\n`, 'utf8');
  return path;
}

async function teacherCount(browser) {
  return (await textsOf(browser, 'teacher-count'))[0] || '';
}

/** The text of the 列对应 row whose header is `header` ('' when there is none). */
async function mappingRow(browser, header) {
  return browser.execute((wanted) => {
    const cell = Array.from(document.querySelectorAll('[data-testid="import-column-header"]')).find(
      (el) => el.textContent.trim() === wanted,
    );
    const row = cell && cell.closest('tr');
    return row ? row.textContent.replace(/\s+/g, ' ').trim() : '';
  }, header);
}

/** Confirms the ElMessageBox now open with its primary button. */
async function confirmBox(browser) {
  const button = await browser.$('.el-message-box__btns .el-button--primary');
  await button.waitForClickable({ timeout: 20_000 });
  await clickWhenFree(browser, button);
  await button.waitForDisplayed({ reverse: true, timeout: 20_000 });
}

test('a CSV roster is previewed, imported into the demo school and undone', async () => {
  const roster = writeRoster();
  const { profile, demo } = demoSchool();
  const app = await launch(profile, [demo]);
  const { browser } = app;
  try {
    await waitForDemoSchool(browser);
    await until(browser, async () => (await teacherCount(browser)) === `共 ${DEMO_TEACHERS} 人`, 'the demo school should list 30 teachers');

    // 1 选择文件
    await click(browser, 'import-open');
    await until(
      browser,
      async () => (await textsOf(browser, 'import-history-empty')).length === 1,
      'the import history should say that nothing was imported yet',
    );
    await fill(browser, 'import-path', roster);
    await click(browser, 'import-next');

    // 2 工作表: a CSV is one sheet named after the file, read as UTF-8.
    await until(
      browser,
      async () => (await textsOf(browser, 'import-sheet')).join() === '教师花名册',
      'the roster’s one sheet is not listed',
    );
    assert.deepEqual(await textsOf(browser, 'import-encoding'), ['文件编码：UTF-8']);
    await click(browser, 'import-next');

    // 3 列对应: 来校时间 is the catalog's synonym of 进本校年月.
    await until(
      browser,
      async () => (await mappingRow(browser, '来校时间')).includes('进本校年月'),
      '来校时间 was not recognized as 进本校年月',
    );
    const since = await mappingRow(browser, '来校时间');
    assert.match(since, /基本信息 · 进本校年月/);
    assert.match(since, /自动识别/);
    assert.match(since, /2010-09、2015\.09、2001年9月/);
    assert.deepEqual(await textsOf(browser, 'import-unknown-columns'), [], 'every column of the roster is known');
    await screenshot(browser, 'import-mapping');
    await click(browser, 'import-next');

    // 4 预览
    await until(
      browser,
      async () => (await textsOf(browser, 'import-counts'))[0] === '共 5 行：新增 4，更新 0，无变化 0，未通过 1',
      'the preview does not count 4 new rows and 1 refused',
    );
    assert.equal((await textsOf(browser, 'import-filter-new'))[0], '新增 4');
    assert.equal((await textsOf(browser, 'import-filter-refused'))[0], '未通过 1');
    await until(
      browser,
      async () => (await textsOf(browser, 'import-row-name')).length === 5,
      'the preview table does not show the 5 rows',
    );
    const pending = (await textsOf(browser, 'import-row-message')).find((text) => text.includes('85.3'));
    assert.ok(pending, 'the 待修正 cell’s message is not shown');
    assert.match(pending, /^G 列 · 进本校年月：.*年份只有两位.*待修正/);
    // Problems grouped: one line per column and kind, the refusal first.
    // (the fields every new teacher still lacks are one more line).
    await until(
      browser,
      async () => (await textsOf(browser, 'import-problem-group')).length === 3,
      'the preview does not group the refusal, the 待修正 cell and what is still missing',
    );
    const groups = await textsOf(browser, 'import-problem-group');
    assert.match(groups[0], /^未通过\s*第 6 行：身份证件号/);
    assert.ok(
      groups.some((g) => /^待修正\s*进本校年月（G 列）第 5 行/.test(g)),
      `no 待修正 line for 进本校年月: ${groups}`,
    );
    await screenshot(browser, 'import-preview');

    // Only the refused rows when 未通过 is chosen.
    await click(browser, 'import-filter-refused');
    await until(
      browser,
      async () => (await textsOf(browser, 'import-row-name')).join() === REFUSED.name,
      'filtering by 未通过 does not show only the refused row',
    );
    await click(browser, 'import-filter-all');
    await until(browser, async () => (await textsOf(browser, 'import-row-name')).length === 5, 'the filter 全部 did not show every row');

    // 5 导入
    await click(browser, 'import-commit');
    const result = await byTestId(browser, 'import-result');
    await result.waitForDisplayed({ timeout: 20_000 });
    assert.deepEqual(await textsOf(browser, 'import-result-counts'), ['新增 4，更新 0，无变化 0，未通过 1']);
    assert.match((await textsOf(browser, 'import-result-pending'))[0] || '', /^有 1 个单元格没能识别/);
    assert.match((await textsOf(browser, 'import-result-id'))[0] || '', /^导入编号：\S+/);
    assert.equal((await textsOf(browser, 'import-save-refused')).length, 1, 'refused rows can be saved');
    await screenshot(browser, 'import-result');

    await click(browser, 'import-done');
    await until(
      browser,
      async () => (await teacherCount(browser)) === `共 ${DEMO_TEACHERS + 4} 人`,
      'the teacher list does not count the 4 imported teachers',
    );
    await fill(browser, 'teacher-search', IMPORTED[0].name);
    await until(
      browser,
      async () => (await textsOf(browser, 'teacher-row-name')).includes(IMPORTED[0].name),
      `${IMPORTED[0].name} is not in the teacher list after the import`,
    );
    assert.ok(!(await textsOf(browser, 'teacher-row-name')).includes(REFUSED.name));

    // The teacher whose cell could not be read: the form lists it as 待修正.
    await fill(browser, 'teacher-search', PENDING.name);
    await until(
      browser,
      async () => (await textsOf(browser, 'teacher-row-name')).join() === PENDING.name,
      `${PENDING.name} is not in the teacher list after the import`,
    );
    await clickText(browser, 'teacher-row-name', new RegExp(PENDING.name));
    await until(
      browser,
      async () => (await textsOf(browser, 'form-pending-item')).length === 1,
      'the teacher form does not list the 待修正 value',
    );
    const item = (await textsOf(browser, 'form-pending-item'))[0];
    assert.match(item, /进本校年月/);
    assert.match(item, /花名册写的是「85\.3」/);
    assert.match(item, /第 5 行 G 列/);
    await screenshot(browser, 'form-pending');

    // The teacher's 操作记录: the import is one entry on the chain, and
    // under it what it wrote for this teacher, group by group.
    await click(browser, 'form-open-audit');
    await until(
      browser,
      async () => (await textsOf(browser, 'audit-row-operation')).includes('导入花名册 · 新增'),
      "the teacher's log does not show what the import wrote",
    );
    assert.match((await textsOf(browser, 'audit-row-changes')).join('\n'), /基本信息 · 民族：（空） → /);
    await until(
      browser,
      async () => browser.execute(() => !Array.from(document.querySelectorAll('.el-loading-mask')).some((m) => m.offsetParent !== null)),
      'the log is still loading',
    );
    await screenshot(browser, 'audit-import-entry');
    await click(browser, 'audit-back');
    await until(
      browser,
      async () => ((await textsOf(browser, 'form-title'))[0] || '').includes(PENDING.name),
      'the form did not come back from the log',
    );
    await click(browser, 'form-back');
    await fill(browser, 'teacher-search', IMPORTED[0].name);

    // Undo from the history of the import wizard.
    await click(browser, 'import-open');
    await until(
      browser,
      async () => (await textsOf(browser, 'import-history-item')).some((text) => text.includes('教师花名册.csv')),
      'the import is not in the history',
    );
    await click(browser, 'import-history-undo');
    await confirmBox(browser);
    await until(
      browser,
      async () => (await messages(browser)).some((text) => text.includes('已撤销：删除 4 位教师')),
      'undoing did not say that 4 teachers were removed',
    );
    await until(
      browser,
      async () => (await textsOf(browser, 'import-history-undone')).length === 1,
      'the history does not show the import as undone',
    );
    assert.deepEqual(await textsOf(browser, 'import-history-undo'), []);
    await until(browser, async () => (await messages(browser)).length === 0, 'the toasts did not go away');
    await screenshot(browser, 'import-history');

    await click(browser, 'import-back');
    await until(
      browser,
      async () => (await teacherCount(browser)).startsWith('显示 0 / 共 30 人'),
      `${IMPORTED[0].name} is still in the teacher list after the undo`,
    );
    assert.ok(!(await textsOf(browser, 'teacher-row-name')).includes(IMPORTED[0].name));
  } finally {
    await app.stop();
  }
});
