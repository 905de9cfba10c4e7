// 批量退回: a reviewer selects several records, writes one reason, and
// returns them all; the answer lists what was not returned (another reviewer
// accepted it meanwhile) and why.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  SANTAI_SCHOOL, acceptAtCli, byTestId, click, fill, goTo, openBrowser, schoolUploads, screenshot, signIn,
  startUpstream, textOf, untilText,
} from '../lib/console.mjs';

test('a reviewer returns the selected records with one reason and reads what was not returned', async () => {
  const upstream = await startUpstream();
  const seeded = schoolUploads(upstream.url, upstream.db, SANTAI_SCHOOL, { teachers: 2 });
  const [batch] = seeded.batches;
  const { browser, stop } = await openBrowser();
  try {
    await signIn(browser, upstream.url, 'santai');
    await goTo(browser, 'review');
    await untilText(browser, 'review-total', '待审核');
    const records = await browser.execute(() =>
      [...document.querySelectorAll('[data-testid="review-item"]')].map((e) => e.getAttribute('data-record')),
    );
    const n = records.length;
    assert.ok(n >= 2, `several records wait: ${records}`);

    // Nothing selected: no bulk return.
    assert.equal(await (await byTestId(browser, 'review-bulk-return')).isEnabled(), false);
    await click(browser, 'review-select-page');
    await untilText(browser, 'review-bulk-return', `批量退回（${n}）`);

    // A reason is required.
    await click(browser, 'review-bulk-return');
    await untilText(browser, 'review-return-prompt', `选中的 ${n} 条记录`);
    await click(browser, 'review-return-confirm');
    await untilText(browser, 'review-return-error', '请填写退回原因');
    await fill(browser, 'review-return-reason', '学历证书编号缺失，请补齐后重报');
    await screenshot(browser, 'console-review-bulk-return');

    // Another reviewer accepts the first record meanwhile.
    acceptAtCli(upstream.db, batch, records[0]);
    await click(browser, 'review-return-confirm');
    await untilText(browser, 'review-result-done', `已退回 ${n - 1} 条`);
    const result = await textOf(browser, 'review-result');
    assert.match(result, /1 条没有退回/);
    const notReturned = await textOf(browser, 'review-not-decided');
    assert.match(notReturned, /三台县第一小学/);
    assert.match(notReturned, /已经审核为「生效」，不能再次审核/);
    await screenshot(browser, 'console-review-bulk-return-result');
    await click(browser, 'review-result-close');
    await (await byTestId(browser, 'review-empty')).waitForExist();
  } finally {
    await stop();
    upstream.stop();
  }
});
