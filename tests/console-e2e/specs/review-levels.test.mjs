// 逐级审核: with review at the county and then the city, the county's
// approval shows in the city's queue, and the city sends the record back to
// the county with a reason the county then reads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  SANTAI_SCHOOL, addOfficer, click, clickWhenFree, fill, goTo, openBrowser, schoolUploads, screenshot, setReviewLevels,
  signIn, signOut, startUpstream, textOf, textsOf, untilMessage, untilText,
} from '../lib/console.mjs';

async function clickInItem(browser, pattern, id) {
  const texts = await textsOf(browser, 'review-item');
  const index = texts.findIndex((text) => pattern.test(text));
  assert.ok(index >= 0, `no queue item matching ${pattern} in ${JSON.stringify(texts)}`);
  const items = await browser.$$('[data-testid="review-item"]');
  const button = await items[index].$(`[data-testid="${id}"]`);
  await button.scrollIntoView({ block: 'center' });
  await clickWhenFree(browser, button);
}

test('a city reviewer sees the county’s approval and sends the record back to the county with a reason', async () => {
  const upstream = await startUpstream({
    prepare: (db) => {
      setReviewLevels(db, 'county,city');
      addOfficer(db, 'mianyang-review', '赵审核', '510700', 'info_admin');
    },
  });
  schoolUploads(upstream.url, upstream.db, SANTAI_SCHOOL, { teachers: 1 });
  const { browser, stop } = await openBrowser();
  try {
    await signIn(browser, upstream.url, 'santai');
    await goTo(browser, 'review');
    await untilText(browser, 'review-total', '待审核 2 条');
    await clickInItem(browser, /新增教师[\s\S]*王芳/, 'review-accept');
    await untilMessage(browser, '审核通过 1 条');
    await untilText(browser, 'review-total', '待审核 1 条');
    await signOut(browser);

    await signIn(browser, upstream.url, 'mianyang-review');
    await goTo(browser, 'review');
    await untilText(browser, 'review-total', '待审核 1 条');
    await untilText(browser, 'review-approvals', '三台县');
    assert.match(await textOf(browser, 'review-approvals'), /县级[\s\S]*张科员[\s\S]*审核通过/);
    await screenshot(browser, 'console-review-levels');
    await clickInItem(browser, /王芳/, 'review-send-back');
    await fill(browser, 'review-return-reason', '出生日期与身份证件号不一致，请县里再核');
    await click(browser, 'review-return-confirm');
    await untilMessage(browser, '已退回下级重审');
    await untilText(browser, 'review-total', '待审核 0 条');
    await signOut(browser);

    await signIn(browser, upstream.url, 'santai');
    await goTo(browser, 'review');
    await untilText(browser, 'review-sent-back', '出生日期与身份证件号不一致');
    await screenshot(browser, 'console-review-sent-back');
  } finally {
    await stop();
    upstream.stop();
  }
});
