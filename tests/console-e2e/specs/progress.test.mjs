// 进度: after one of 三台县's two schools has uploaded a real signed batch,
// the reporting rate is 50%, the chart is drawn, the other school is on the
// 未报送 tab, and 导出 xlsx downloads a workbook.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  SANTAI_SCHOOL, byTestId, click, downloadedFiles, openBrowser, schoolUploads, screenshot, signIn, startUpstream,
  textOf, until, untilMessage, untilText,
} from '../lib/console.mjs';

test('progress shows the rates, draws the chart, lists the school not reported and exports a workbook', async () => {
  const upstream = await startUpstream();
  schoolUploads(upstream.url, upstream.db, SANTAI_SCHOOL, { teachers: 2 });
  const { browser, downloads, stop } = await openBrowser();
  try {
    await signIn(browser, upstream.url, 'santai');
    await untilText(browser, 'reporting-rate', '50%');
    assert.match(await textOf(browser, 'on-time-rate'), /50%/);
    assert.match(await textOf(browser, 'progress-summary'), /应报学校\s*2/);

    // The chart: ECharts drew on a canvas of the panel's size.
    await until(
      browser,
      () => browser.execute(() => {
        const canvas = document.querySelector('[data-testid="progress-chart"] canvas');
        return !!canvas && canvas.width > 300 && canvas.height > 100;
      }),
      'the progress chart was not drawn',
    );
    const schools = await textOf(browser, 'progress-schools');
    assert.match(schools, /三台县第一小学/);
    assert.match(schools, /三台县芦溪中学/);
    assert.doesNotMatch(schools, /涪城区/, 'a county officer sees only the county');
    await screenshot(browser, 'console-progress');

    await browser.execute(() => {
      const tab = [...document.querySelectorAll('.el-tabs__item')].find((e) => e.textContent.includes('未报送'));
      tab?.click();
    });
    await untilText(browser, 'progress-missing', '三台县芦溪中学');
    assert.doesNotMatch(await textOf(browser, 'progress-missing'), /三台县第一小学/);
    await screenshot(browser, 'console-progress-missing');

    // 督促提醒 to the school not reported.
    await click(browser, 'progress-remind');
    await click(browser, 'progress-remind-send');
    await untilMessage(browser, '已向 1 所学校发送提醒');

    await click(browser, 'progress-export');
    await until(browser, () => downloadedFiles(downloads).some((f) => f.endsWith('.xlsx')), 'no workbook was downloaded');
    const file = downloadedFiles(downloads).find((f) => f.endsWith('.xlsx'));
    assert.match(file, /^报送进度-\d{4}-\d{2}-\d{2}\.xlsx$/);
    assert.ok(statSync(join(downloads, file)).size > 1000);
    assert.equal(readFileSync(join(downloads, file)).subarray(0, 2).toString(), 'PK', 'an xlsx is a zip');
  } finally {
    await stop();
    upstream.stop();
  }
});

test('a city officer sees every county of the city', async () => {
  const upstream = await startUpstream();
  schoolUploads(upstream.url, upstream.db, SANTAI_SCHOOL, { teachers: 1 });
  const { browser, stop } = await openBrowser();
  try {
    await signIn(browser, upstream.url, 'mianyang');
    await untilText(browser, 'progress-summary', '应报学校');
    assert.match(await textOf(browser, 'progress-summary'), /应报学校\s*3/);
    const schools = await textOf(browser, 'progress-schools');
    assert.match(schools, /涪城区实验小学/);
    assert.match(schools, /三台县第一小学/);
    assert.match(await textOf(browser, 'reporting-rate'), /33\.3%/);
    assert.ok(await (await byTestId(browser, 'progress-chart')).isExisting());
  } finally {
    await stop();
    upstream.stop();
  }
});
