// 信息确认表 in the real window: ticked teachers' sheets previewed as pages,
// printed to a PDF that holds their names, and signed off; a teacher's own
// sheet printed from their form, signed from the list, then changed, which
// shows as 签字后有改动 in the list and on the 校验 page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  launch, click, clickText, clickWhenFree, fill, choose, textsOf, until, screenshot, untilMessage,
  demoSchool, waitForDemoSchool, openForm, selectedText,
} from '../lib/app.mjs';

/** The previewed pages: how many, and whether each image has loaded and drawn. */
async function previewPages(browser) {
  return browser.execute(() =>
    Array.from(document.querySelectorAll('[data-testid="sheets-preview-page"]')).map(
      (img) => img.complete && img.naturalWidth > 0,
    ),
  );
}

async function untilPreviewed(browser, atLeast) {
  await until(
    browser,
    async () => {
      const pages = await previewPages(browser);
      return pages.length >= atLeast && pages.every(Boolean);
    },
    `the preview did not show ${atLeast} drawn pages`,
  );
}

/** The PDF's text without white space (pdftotext from poppler-utils). */
function pdfText(path) {
  return execFileSync('pdftotext', ['-raw', path, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
}

/** Clicks the 确认表 state of `name`'s row in the teacher list. */
async function clickSignoff(browser, name) {
  const index = (await textsOf(browser, 'teacher-row-name')).indexOf(name);
  const cells = await browser.$$('[data-testid="teacher-row-signoff"]');
  await clickWhenFree(browser, cells[index]);
}

/** The 确认表 state the teacher list shows for `name`. */
async function listState(browser, name) {
  const names = await textsOf(browser, 'teacher-row-name');
  const states = await textsOf(browser, 'teacher-row-signoff');
  return states[names.indexOf(name)];
}

test('the ticked teachers’ sheets are previewed, printed to a PDF and signed off', async () => {
  const { profile, demo } = demoSchool();
  const app = await launch(profile, [demo]);
  const { browser } = app;
  try {
    await waitForDemoSchool(browser);
    await until(browser, async () => (await textsOf(browser, 'teacher-row-name')).length >= 2, 'the teacher list is empty');
    const [first, second] = await textsOf(browser, 'teacher-row-name');
    const boxes = await browser.$$('[data-testid="teacher-select"]');
    await clickWhenFree(browser, boxes[0]);
    await clickWhenFree(browser, boxes[1]);
    await until(browser, async () => (await textsOf(browser, 'print-sheets'))[0] === '打印确认表（已选 2 人）', 'the button does not count the ticked teachers');

    await click(browser, 'print-sheets');
    await untilPreviewed(browser, 2);
    assert.equal((await textsOf(browser, 'sheets-scope'))[0], `已选 2 位教师：${first}、${second}`);
    assert.match((await textsOf(browser, 'sheets-preview-note'))[0], /预览：2 位教师，共 \d+ 页/);
    await screenshot(browser, 'sheets-preview');

    const pdf = join(profile.data, '确认表.pdf');
    await fill(browser, 'sheets-path', pdf);
    await click(browser, 'sheets-print');
    await until(browser, async () => (await textsOf(browser, 'sheets-done-summary')).length === 1, 'the PDF was not made');
    assert.ok(existsSync(pdf), `no PDF at ${pdf}`);
    const text = pdfText(pdf);
    assert.ok(text.includes(first) && text.includes(second), 'the PDF lacks a ticked teacher’s name');
    assert.deepEqual(await textsOf(browser, 'sheets-printed-name'), [first, second]);
    const [fingerprint] = await textsOf(browser, 'sheets-printed-fingerprint');
    assert.match(fingerprint, /^[0-9a-f]{12}$/);
    assert.ok(text.includes(fingerprint), 'the PDF does not carry the fingerprint the app lists');
    await screenshot(browser, 'sheets-printed');

    // The signed paper comes back: its footer's fingerprint, typed in capitals with spaces.
    await clickText(browser, 'sheets-signoff', /登记签字/);
    const typed = fingerprint.toUpperCase().replace(/(.{4})(?=.)/g, '$1 ');
    await fill(browser, 'signoff-fingerprint', typed);
    await screenshot(browser, 'signoff-dialog');
    await click(browser, 'signoff-confirm');
    await until(browser, async () => (await textsOf(browser, 'sheets-printed-state'))[0] === '已签字', 'the sheet was not marked signed');

    await click(browser, 'sheets-back');
    await until(browser, async () => (await listState(browser, first)) === '已签字', `the list does not show ${first} as signed`);
    assert.equal(await listState(browser, second), '未签字');
  } finally {
    await app.stop();
  }
});

test('a change after sign-off shows as 签字后有改动 in the list and on the 校验 page', async () => {
  const { profile, demo } = demoSchool();
  const app = await launch(profile, [demo]);
  const { browser } = app;
  try {
    await waitForDemoSchool(browser);
    await until(browser, async () => (await textsOf(browser, 'teacher-row-name')).length >= 3, 'the teacher list is short');
    const name = (await textsOf(browser, 'teacher-row-name'))[2];

    // One teacher's sheet, printed from their form.
    await openForm(browser, name);
    await click(browser, 'form-print-sheet');
    await untilPreviewed(browser, 1);
    assert.equal((await textsOf(browser, 'sheets-scope'))[0], name);
    await fill(browser, 'sheets-path', join(profile.data, `${name}.pdf`));
    await click(browser, 'sheets-print');
    await until(browser, async () => (await textsOf(browser, 'sheets-done-summary')).length === 1, 'the PDF was not made');
    await click(browser, 'sheets-back');
    await until(browser, async () => ((await textsOf(browser, 'form-title'))[0] || '').includes(name), 'the form did not come back');
    await click(browser, 'form-back');

    // Signed from the list: the clerk picks the printing that matches the paper.
    await until(browser, async () => (await listState(browser, name)) === '未签字', 'the list does not show the sheet unsigned');
    await clickSignoff(browser, name);
    await until(browser, async () => (await textsOf(browser, 'signoff-print')).length === 1, 'the printing is not listed');
    await click(browser, 'signoff-pick');
    await click(browser, 'signoff-confirm');
    await until(browser, async () => (await listState(browser, name)) === '已签字', 'the list does not show the sheet signed');

    // Their 民族 changes after they signed.
    await openForm(browser, name);
    const ethnicity = await selectedText(browser, 'field-basic-ethnicity');
    const other = /回族/.test(ethnicity) ? '汉族' : '回族';
    await choose(browser, 'field-basic-ethnicity', other);
    await until(browser, async () => (await selectedText(browser, 'field-basic-ethnicity')).includes(other), `民族 was not set to ${other}`);
    await click(browser, 'form-save');
    await untilMessage(browser, '已保存');
    await click(browser, 'form-back');
    await until(browser, async () => (await listState(browser, name)) === '签字后有改动', 'the list does not show the sign-off stale');
    await screenshot(browser, 'teacher-list-signoff');

    await click(browser, 'open-validation');
    await until(browser, async () => (await textsOf(browser, 'validation-stale-teacher')).includes(name), 'the 校验 page does not list the stale sign-off');
    assert.match((await textsOf(browser, 'validation-stale-signoffs'))[0], /1 位教师签字后信息有改动/);
    await until(
      browser,
      async () => browser.execute(() => !Array.from(document.querySelectorAll('.el-loading-mask')).some((m) => m.offsetParent !== null)),
      'the 校验 page is still loading',
    );
    await screenshot(browser, 'validation-stale-signoff');
  } finally {
    await app.stop();
  }
});
