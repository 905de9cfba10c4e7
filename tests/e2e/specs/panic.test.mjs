// A panic that escapes anyway, in the real window (docs/reliability.md,
// "Panics at the boundary"): the app is started with a panic injected while
// the first audit entry about a record is written, i.e. inside the save of
// the teacher form. The window must say 「内部错误」 with its code, stay up,
// and save the same form on the next try.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  launch, choose, click, until, screenshot, selectedText, messages, untilMessage,
  demoSchool, waitForDemoSchool, openForm,
} from '../lib/app.mjs';

test('a panic inside a save says 内部错误 with a code, and the window saves on the next try', async () => {
  const { profile, demo } = demoSchool();
  const reports = join(profile.root, 'reports');
  const app = await launch(profile, [demo], {
    TAOLI_TEST_PANIC_AT: 'revision.record:1',
    TAOLI_REPORT_DIR: reports,
  });
  const { browser } = app;
  try {
    await waitForDemoSchool(browser);
    await openForm(browser, '罗玉兰');
    // 性别 came from the ID number when the demo teacher was added: 民族 is the change saved.
    await choose(browser, 'field-basic-ethnicity', '汉');
    await until(browser, async () => /汉族/.test(await selectedText(browser, 'field-basic-ethnicity')), '民族 was not set to 汉族');
    await click(browser, 'form-save');
    await untilMessage(browser, '内部错误');
    const shown = (await messages(browser)).find((m) => m.includes('内部错误'));
    assert.match(shown, /编号 TL-[0-9A-F]{8}/, 'the message gives the code to quote');
    assert.match(shown, /学校文件保持操作前的样子/, 'the message says nothing was changed');
    await screenshot(browser, 'internal-error');

    assert.ok(existsSync(reports), 'a reports folder was written');
    const files = readdirSync(reports);
    assert.equal(files.length, 1, `one report: ${files}`);
    const report = readFileSync(join(reports, files[0]), 'utf8');
    assert.match(report, /injected panic/);
    assert.ok(!report.includes('罗玉兰'), 'the report holds nothing of the school’s data');

    // The window is still up and its school file usable: the same save works.
    await click(browser, 'form-save');
    await untilMessage(browser, '已保存');
  } finally {
    await app.stop();
  }
});
