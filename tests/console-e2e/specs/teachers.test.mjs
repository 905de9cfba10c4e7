// 查询与统计: a teacher in effect (a school's record the county accepted)
// found by name, a chart per dimension, and the statistics exported.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  SANTAI_SCHOOL, click, downloadedFiles, fill, goTo, openBrowser, schoolUploads, screenshot, signIn, startUpstream,
  textOf, textsOf, until, untilText,
} from '../lib/console.mjs';

test('an officer finds an accepted teacher by name, sees a chart per dimension and exports the statistics', async () => {
  const upstream = await startUpstream();
  // 王芳 is accepted; 李强 and 张丽 still wait for review.
  schoolUploads(upstream.url, upstream.db, SANTAI_SCHOOL, { teachers: 3, correct: true });
  const { browser, downloads, stop } = await openBrowser();
  try {
    await signIn(browser, upstream.url, 'santai');
    await goTo(browser, 'teachers');
    await untilText(browser, 'teachers-table', '王芳');
    const all = await textOf(browser, 'teachers-table');
    assert.match(all, /三台县第一小学/);
    assert.doesNotMatch(all, /李强/, 'a teacher still under review is not in effect');
    // The ID type reads as the code table's name, not its code.
    assert.deepEqual(await textsOf(browser, 'teachers-id-type'), ['居民身份证']);
    await fill(browser, 'teachers-q', '王');
    await click(browser, 'teachers-find');
    await untilText(browser, 'teachers-table', '王芳');
    await untilText(browser, 'teachers-stats-total', '1');
    await until(
      browser,
      () => browser.execute(() => document.querySelectorAll('[data-testid^="stats-chart-"] canvas').length === 4),
      'not one chart per dimension (性别, 年龄段, 最高学历, 职称)',
    );
    await screenshot(browser, 'console-teachers');

    await click(browser, 'teachers-export');
    await until(browser, () => downloadedFiles(downloads).some((f) => f.endsWith('.xlsx')), 'no workbook was downloaded');
    const file = downloadedFiles(downloads).find((f) => f.endsWith('.xlsx'));
    assert.match(file, /^教师统计-\d{4}-\d{2}-\d{2}\.xlsx$/);
    assert.equal(readFileSync(join(downloads, file)).subarray(0, 2).toString(), 'PK');
  } finally {
    await stop();
    upstream.stop();
  }
});
