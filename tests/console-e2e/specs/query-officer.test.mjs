// 信息查询员: an officer who may only read sees 进度, 审核 (to read),
// 学校管理 (to read) and 查询与统计, none of the buttons that change
// anything, and the server refuses them a decision even when asked directly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  SANTAI_SCHOOL, addOfficer, byTestId, goTo, openBrowser, schoolUploads, screenshot, signIn, startUpstream, textOf,
  textsOf, untilText,
} from '../lib/console.mjs';

/** How many elements carry data-testid `id`. */
async function count(browser, id) {
  return (await textsOf(browser, id)).length;
}

test('a query-only officer reads progress, the queue, schools and teachers but changes nothing', async () => {
  const upstream = await startUpstream({
    prepare: (db) => addOfficer(db, 'chaxun', '王查询', '510722', 'info_query'),
  });
  schoolUploads(upstream.url, upstream.db, SANTAI_SCHOOL, { teachers: 1 });
  const { browser, stop } = await openBrowser();
  try {
    await signIn(browser, upstream.url, 'chaxun');
    await untilText(browser, 'role', '信息查询员');
    const menu = await textOf(browser, 'nav');
    assert.match(menu, /进度/);
    assert.match(menu, /查询与统计/);
    assert.equal(await count(browser, 'nav-accounts'), 0);
    assert.equal(await count(browser, 'nav-audit'), 0);

    // 进度: the schools and rates, no 催报.
    await untilText(browser, 'progress-schools', '三台县第一小学');
    await browser.execute(() => {
      const tab = [...document.querySelectorAll('.el-tabs__item')].find((e) => e.textContent.includes('未报送'));
      tab?.click();
    });
    await untilText(browser, 'progress-missing', '三台县芦溪中学');
    assert.equal(await count(browser, 'progress-remind'), 0);

    // 审核: the queue to read, without a button that decides.
    await goTo(browser, 'review');
    await untilText(browser, 'review-total', '待审核');
    await untilText(browser, 'review-readonly', '只有信息管理员可以审核');
    assert.ok((await count(browser, 'review-item')) > 0);
    for (const id of ['review-accept', 'review-return', 'review-send-back', 'review-item-select',
      'review-select-page', 'review-bulk-accept', 'review-bulk-return']) {
      assert.equal(await count(browser, id), 0, `${id} is shown to a 信息查询员`);
    }
    await screenshot(browser, 'console-query-review');

    // 学校管理: the list, without registering, codes or keys.
    await goTo(browser, 'schools');
    await untilText(browser, 'schools-table', '三台县第一小学');
    for (const id of ['school-register', 'school-issue', 'school-revoke-codes', 'school-revoke-key']) {
      assert.equal(await count(browser, id), 0, `${id} is shown to a 信息查询员`);
    }

    // 查询与统计 is theirs.
    await goTo(browser, 'teachers');
    await (await byTestId(browser, 'teachers-table')).waitForExist();
    await screenshot(browser, 'console-query-teachers');

    // Asked directly, with the session's own CSRF token, the server refuses.
    const answer = await browser.executeAsync((done) => {
      (async () => {
        const session = await (await fetch('/console/api/session')).json();
        const queue = await (await fetch('/console/api/queue')).json();
        const item = queue.items[0];
        const response = await fetch('/console/api/queue/decide', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf },
          body: JSON.stringify({ items: [{ batch_id: item.batch_id, record: item.record }], decision: 'accepted' }),
        });
        done({ status: response.status, body: await response.json() });
      })().catch((e) => done({ status: 0, body: { message: String(e) } }));
    });
    assert.equal(answer.status, 403, JSON.stringify(answer));
    assert.match(answer.body.message, /信息查询员/);
  } finally {
    await stop();
    upstream.stop();
  }
});
