// 查询与统计 against GET /console/api/teachers and /console/api/stats: the
// accepted teachers found by name, and a chart per dimension. Skipped, with
// the reason, on a server that does not have those endpoints yet.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  SANTAI_SCHOOL, fill, click, goTo, openBrowser, schoolUploads, screenshot, signIn, startUpstream, textOf, until,
  untilText,
} from '../lib/console.mjs';

test('an officer finds an accepted teacher by name and sees a chart per dimension', async (t) => {
  const upstream = await startUpstream();
  const { browser, stop } = await openBrowser();
  try {
    schoolUploads(upstream.url, upstream.db, SANTAI_SCHOOL, { teachers: 3, correct: true });
    await signIn(browser, upstream.url, 'santai');
    // A path the API does not have falls through to the app's index.html.
    const answersJson = await browser.execute(async () => {
      const response = await fetch('/console/api/teachers');
      return response.ok && (response.headers.get('content-type') || '').includes('application/json');
    });
    if (!answersJson) {
      t.skip('GET /console/api/teachers is not on this server yet');
      return;
    }
    await goTo(browser, 'teachers');
    await fill(browser, 'teachers-q', '王芳');
    await click(browser, 'teachers-find');
    await untilText(browser, 'teachers-table', '王芳');
    assert.doesNotMatch(await textOf(browser, 'teachers-table'), /李强/);
    await until(
      browser,
      () => browser.execute(() => document.querySelectorAll('[data-testid^="stats-chart-"] canvas').length >= 1),
      'no statistics chart was drawn',
    );
    await screenshot(browser, 'console-teachers');
  } finally {
    await stop();
    upstream.stop();
  }
});
