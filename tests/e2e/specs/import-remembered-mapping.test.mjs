// What the import learns, in the real window: a clerk maps a roster's
// 到校年月 column (no name of any indicator) to 进本校年月 and imports it.
// A later roster, laid out differently (other columns, 到校年月 elsewhere),
// gets the same mapping by its header: the 列对应 step says so
// (「已按上次的选择对应：E 列『到校年月』→ 基本信息 · 进本校年月」), marks
// the column 上次的对应, and the import fills 进本校年月.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  launch, fill, click, textsOf, until, screenshot, clickWhenFree,
  demoSchool, waitForDemoSchool,
} from '../lib/app.mjs';

/** GB 11643-1999: the check character of a resident ID number's first 17 digits. */
function residentId(first17) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, digit, i) => acc + Number(digit) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

// Born in 510722 on dates none of the demo teachers has.
const FIRST = { name: '钱志强', id: residentId('51072219870206101') };
const SECOND = { name: '孔雪梅', id: residentId('51072219910918202') };

/** Writes a UTF-8 CSV roster named `name` with `lines`; returns its path. */
function writeRoster(name, lines) {
  const dir = mkdtempSync(join(tmpdir(), 'taoli-roster-'));
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\r\n')}\r\n`, 'utf8');
  return path;
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

/** Chooses `text` as the indicator of the 列对应 row headed `header`, as a clerk would: open, type, click the option. */
async function chooseTarget(browser, header, text) {
  const index = await browser.execute((wanted) => {
    const rows = Array.from(document.querySelectorAll('[data-testid="import-mapping"] .el-table__body tr'));
    return rows.findIndex((tr) => tr.querySelector('[data-testid="import-column-header"]')?.textContent.trim() === wanted);
  }, header);
  assert.ok(index >= 0, `no 列对应 row headed ${header}`);
  const selects = await browser.$$('[data-testid="import-target"]');
  const select = selects[index];
  await select.scrollIntoView({ block: 'center' });
  await clickWhenFree(browser, select);
  const input = await select.$('input');
  await input.setValue(text);
  const offered = () =>
    browser.execute(
      (wanted) =>
        [...document.querySelectorAll('.el-select-dropdown__item')].some(
          (li) => li.offsetParent !== null && !li.classList.contains('is-disabled') && li.textContent.includes(wanted),
        ),
      text,
    );
  await until(browser, offered, `no indicator "${text}" offered for ${header}`);
  await browser.pause(150);
  // el-select-v2 takes Enter only for an option hovered with the arrow keys:
  // click the option, as the mouse would.
  const clicked = await browser.execute((wanted) => {
    const li = [...document.querySelectorAll('.el-select-dropdown__item')].find(
      (el) => el.offsetParent !== null && !el.classList.contains('is-disabled') && el.textContent.trim() === wanted,
    );
    if (li) li.click();
    return Boolean(li);
  }, text);
  assert.ok(clicked, `no option exactly "${text}"`);
}

/** Opens the import wizard on `roster` and goes on to its 列对应 step. */
async function toMapping(browser, roster, sheet) {
  await click(browser, 'import-open');
  await fill(browser, 'import-path', roster);
  await click(browser, 'import-next');
  await until(
    browser,
    async () => (await textsOf(browser, 'import-sheet')).join() === sheet,
    `the roster’s one sheet ${sheet} is not listed`,
  );
  await click(browser, 'import-next');
  await until(
    browser,
    async () => (await textsOf(browser, 'import-column-header')).length > 0,
    'the 列对应 step did not show the columns',
  );
}

/** Goes from 列对应 through the preview to the committed import, and back to the list. */
async function commit(browser, counts) {
  await click(browser, 'import-next');
  await until(
    browser,
    async () => (await textsOf(browser, 'import-counts'))[0] === counts,
    `the preview does not say ${counts}`,
  );
  await click(browser, 'import-commit');
  await until(browser, async () => (await textsOf(browser, 'import-result')).length === 1, 'the import did not finish');
  await click(browser, 'import-done');
  await until(browser, async () => (await textsOf(browser, 'teacher-count')).length === 1, 'the teacher list did not come back');
}

test('a column mapping corrected once is used again for a roster laid out differently, and the wizard says so', async () => {
  const first = writeRoster('一月花名册.csv', ['姓名,身份证件号,到校年月', [FIRST.name, FIRST.id, '2010-09'].join(',')]);
  const second = writeRoster('新学期花名册.csv', [
    '姓名,性别,身份证件号,民族,到校年月',
    [SECOND.name, '女', SECOND.id, '汉族', '2016-09'].join(','),
  ]);
  const { profile, demo } = demoSchool();
  const app = await launch(profile, [demo]);
  const { browser } = app;
  try {
    await waitForDemoSchool(browser);

    // The first roster: 到校年月 is not recognized; the clerk maps it.
    await toMapping(browser, first, '一月花名册');
    assert.match(await mappingRow(browser, '到校年月'), /未识别/);
    assert.deepEqual(await textsOf(browser, 'import-remembered'), [], 'nothing was remembered yet');
    await chooseTarget(browser, '到校年月', '进本校年月');
    await until(
      browser,
      async () => /基本信息 · 进本校年月/.test(await mappingRow(browser, '到校年月')),
      'the correction of 到校年月 did not take',
    );
    assert.match(await mappingRow(browser, '到校年月'), /已修改/);
    await commit(browser, '共 1 行：新增 1，更新 0，无变化 0，未通过 0');

    // The second roster has other columns, 到校年月 in column E: the
    // clerk's choice is used by its header, and the wizard says so.
    await toMapping(browser, second, '新学期花名册');
    await until(
      browser,
      async () => (await textsOf(browser, 'import-remembered-line')).includes('E 列『到校年月』→ 基本信息 · 进本校年月'),
      'the wizard did not say that 到校年月 was mapped as chosen last time',
    );
    assert.match((await textsOf(browser, 'import-remembered'))[0], /已按上次的选择对应/);
    const row = await mappingRow(browser, '到校年月');
    assert.match(row, /基本信息 · 进本校年月/);
    assert.match(row, /上次的对应/);
    assert.deepEqual(await textsOf(browser, 'import-unknown-columns'), [], 'every column of the second roster is mapped');
    await screenshot(browser, 'import-remembered-mapping');
    await commit(browser, '共 1 行：新增 1，更新 0，无变化 0，未通过 0');

    await fill(browser, 'teacher-search', SECOND.name);
    await until(
      browser,
      async () => (await textsOf(browser, 'teacher-row-name')).includes(SECOND.name),
      `${SECOND.name} is not in the teacher list after the second import`,
    );
  } finally {
    await app.stop();
  }
});
