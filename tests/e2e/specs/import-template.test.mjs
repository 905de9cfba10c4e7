// A filled copy of the national system's own 中小学 import template
// (fixtures/templates/zhongxiaoxue-2016.xlsx: `*` headers, 「代码-名称」
// dropdown values, its code sheets 基础信息, 学段学科 and 学段年级 before the
// data) goes through the import wizard into the demo school: every one of
// its 36 teachers is new, the code sheets are passed over and the preview
// says so, and the 「代码-名称」 values are read as their codes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  launch, fill, click, byTestId, textsOf, until, screenshot, repoRoot,
  demoSchool, waitForDemoSchool,
} from '../lib/app.mjs';

const TEMPLATE = 'zhongxiaoxue-2016.xlsx';
const TEACHERS = 36;
const DEMO_TEACHERS = 30;

test('a filled national 中小学 template imports every teacher and passes over its code sheets', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'taoli-template-'));
  const roster = join(dir, TEMPLATE);
  copyFileSync(join(repoRoot, 'fixtures', 'templates', TEMPLATE), roster);
  const { profile, demo } = demoSchool();
  const app = await launch(profile, [demo]);
  const { browser } = app;
  try {
    await waitForDemoSchool(browser);
    await click(browser, 'import-open');
    await fill(browser, 'import-path', roster);
    await click(browser, 'import-next');

    // 2 工作表: the template's four sheets, all offered.
    await until(
      browser,
      async () => (await textsOf(browser, 'import-sheet')).length === 4,
      'the template’s four sheets are not listed',
    );
    await click(browser, 'import-next');

    // 3 列对应: only the data sheet's columns.
    await until(
      browser,
      async () => (await textsOf(browser, 'import-column-header')).some((h) => h.includes('姓名')),
      'the data sheet’s columns are not shown',
    );
    await click(browser, 'import-next');

    // 4 预览
    await until(
      browser,
      async () =>
        (await textsOf(browser, 'import-counts'))[0] === `共 ${TEACHERS} 行：新增 ${TEACHERS}，更新 0，无变化 0，未通过 0`,
      `the preview does not count ${TEACHERS} new rows`,
    );
    const skipped = await textsOf(browser, 'import-skipped-sheet');
    assert.equal(skipped.length, 3, `skipped: ${skipped}`);
    assert.ok(skipped.some((s) => s.startsWith('「基础信息」')), `skipped: ${skipped}`);
    const notes = await textsOf(browser, 'import-note');
    assert.ok(notes.some((n) => n.includes('「代码-名称」的写法')), `notes: ${notes}`);
    await screenshot(browser, 'import-national-template');

    await click(browser, 'import-commit');
    const result = await byTestId(browser, 'import-result');
    await result.waitForDisplayed({ timeout: 30_000 });
    assert.deepEqual(await textsOf(browser, 'import-result-counts'), [`新增 ${TEACHERS}，更新 0，无变化 0，未通过 0`]);
    await click(browser, 'import-done');
    await until(
      browser,
      async () => ((await textsOf(browser, 'teacher-count'))[0] || '') === `共 ${DEMO_TEACHERS + TEACHERS} 人`,
      'the teacher list does not count the imported teachers',
    );
  } finally {
    await app.stop();
  }
});
