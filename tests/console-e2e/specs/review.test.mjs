// 审核: a school's real signed batches in the queue, readable as 指标 /
// 原值 / 新值; accepting one, returning one with a reason, and a bulk accept
// that lists what another reviewer decided meanwhile.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  SANTAI_SCHOOL, acceptAtCli, byTestId, click, clickWhenFree, fill, goTo, openBrowser, schoolUploads, screenshot,
  signIn, startUpstream, textOf, textsOf, until, untilMessage, untilText,
} from '../lib/console.mjs';

/** The index of the queue item whose text matches `pattern`. */
async function itemIndex(browser, pattern) {
  const items = await textsOf(browser, 'review-item');
  const index = items.findIndex((text) => pattern.test(text));
  assert.ok(index >= 0, `no queue item matching ${pattern} in ${JSON.stringify(items)}`);
  return index;
}

async function clickInItem(browser, pattern, id) {
  const index = await itemIndex(browser, pattern);
  const items = await browser.$$('[data-testid="review-item"]');
  const button = await items[index].$(`[data-testid="${id}"]`);
  await button.scrollIntoView({ block: 'center' });
  await clickWhenFree(browser, button);
}

async function total(browser) {
  const text = await textOf(browser, 'review-total');
  return Number(/(\d+)/.exec(text)?.[1]);
}

test('a reviewer reads a correction before and after, accepts it, returns a record with a reason, and bulk-accepts', async () => {
  const upstream = await startUpstream();
  const seeded = schoolUploads(upstream.url, upstream.db, SANTAI_SCHOOL, { teachers: 3, correct: true });
  const [firstBatch] = seeded.batches;
  const { browser, stop } = await openBrowser();
  try {
    await signIn(browser, upstream.url, 'santai');
    await goTo(browser, 'review');
    await untilText(browser, 'review-total', '待审核 5 条');

    // The correction: its 姓名 row reads 王芳 → 王芳芳, with the school's reason.
    const index = await itemIndex(browser, /变更申请/);
    const rows = await browser.execute(
      (i) =>
        Array.from(
          document.querySelectorAll('[data-testid="review-item"]')[i].querySelectorAll('[data-testid="review-changes"] tbody tr'),
          (row) => Array.from(row.querySelectorAll('td'), (td) => td.textContent.trim()),
        ),
      index,
    );
    assert.deepEqual(rows, [['姓名', '王芳', '王芳芳']]);
    const item = (await textsOf(browser, 'review-item'))[index];
    assert.match(item, /学校说明：姓名录入时少了一个字/);
    assert.match(item, /三台县第一小学/);
    await browser.execute((i) => document.querySelectorAll('[data-testid="review-item"]')[i].scrollIntoView(), index);
    await screenshot(browser, 'console-review');

    await clickInItem(browser, /变更申请/, 'review-accept');
    await untilMessage(browser, '审核通过 1 条');
    await until(browser, async () => (await total(browser)) === 4, 'the accepted correction stayed in the queue');
    assert.ok(!(await textsOf(browser, 'review-item')).some((t) => /变更申请/.test(t)));

    // Returning needs a reason.
    await clickInItem(browser, /新增教师[\s\S]*李强/, 'review-return');
    await click(browser, 'review-return-confirm');
    await untilText(browser, 'review-return-error', '请填写退回原因');
    await fill(browser, 'review-return-reason', '身份证件号与姓名不符，请核对后重报');
    await screenshot(browser, 'console-review-return');
    await click(browser, 'review-return-confirm');
    await untilMessage(browser, '已退回');
    await until(browser, async () => (await total(browser)) === 3, 'the returned record stayed in the queue');

    // Bulk accept: select the page, then another reviewer accepts one of them meanwhile.
    await click(browser, 'review-select-page');
    await untilText(browser, 'review-bulk-accept', '批量生效（3）');
    const records = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="review-item"]')].map((e) => e.getAttribute('data-record')),
    );
    acceptAtCli(upstream.db, firstBatch, records[0]);
    await click(browser, 'review-bulk-accept');
    await untilText(browser, 'review-result', '审核通过 2 条');
    const notDecided = await textOf(browser, 'review-not-decided');
    assert.match(notDecided, /1 条没有处理|原因/);
    assert.ok(notDecided.length > 10, `the not-decided list says why: ${notDecided}`);
    await screenshot(browser, 'console-review-bulk');
    await click(browser, 'review-result-close');
    await (await byTestId(browser, 'review-empty')).waitForExist();
  } finally {
    await stop();
    upstream.stop();
  }
});
