// The 工作台 and the side menu in the real window (issue #17): signing in to
// the demo school opens the 工作台, whose figures are those the command line
// gives for the same file; a figure opens the list that resolves it; the
// menu is reached and worked with the keyboard alone.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  launch, click, byTestId, textsOf, until, screenshot, demoSchool, signIn, useChinese,
  cliBinary, ADMIN, CLERK, CALL_TIMEOUT_MS,
} from '../lib/app.mjs';

/** A demo teacher (fixtures/demo/school.json) whose sheet is signed before the app starts. */
const SIGNED = { name: '李燕', id: '511002198304121347' };

/** Runs `taoli` on the school file as the clerk; its standard output. */
function taoli(...args) {
  const env = {
    ...process.env,
    TAOLI_USER: CLERK.name,
    TAOLI_PASSWORD: CLERK.password,
    TAOLI_ADMIN_PASSWORD: ADMIN.password,
    TAOLI_LANG: 'zh-CN',
  };
  return execFileSync(cliBinary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

/** Prints one teacher's sheet and records it signed, through the command line. */
function signOneSheet(demo, dir) {
  const printed = taoli('sheets', demo, '-o', join(dir, 'sheet.pdf'), '--teacher', SIGNED.id);
  const line = printed.split('\n').find((l) => l.startsWith(`${SIGNED.name}\t`));
  assert.ok(line, `no fingerprint printed for ${SIGNED.name}: ${printed}`);
  const fingerprint = line.split('\t')[2].trim();
  taoli('signoff', demo, '--id-number', SIGNED.id, '--fingerprint', fingerprint);
}

/** The id of the element that has the keyboard focus. */
function focused(browser) {
  return browser.execute(() => document.activeElement?.getAttribute('data-testid') ?? null);
}

test('the 工作台 shows the school’s figures, each a link to its list, and the menu works by keyboard', async () => {
  const { profile, demo } = demoSchool();
  signOneSheet(demo, profile.root);
  // What the core says of the same file, asked before the app holds it.
  const status = JSON.parse(taoli('status', demo, '--json'));
  const teachers = status.teachers.length;
  const withErrors = status.missing.teachers_with_errors;
  assert.equal(teachers, 30);

  const app = await launch(profile, [demo]);
  const { browser } = app;
  try {
    await signIn(browser, CLERK, ADMIN.password, { to: 'home' });
    await useChinese(browser);
    await until(
      browser,
      async () => (await textsOf(browser, 'workbench-card')).length === 7,
      'the 工作台 did not show its seven cards',
    );
    const days = status.deadline.days_left;
    assert.equal(
      (await textsOf(browser, 'workbench-deadline-value'))[0],
      days === 0 ? '今天截止' : `还有 ${days} 天`,
    );
    assert.match((await textsOf(browser, 'workbench-deadline-hint'))[0], new RegExp(status.deadline.date));
    assert.equal((await textsOf(browser, 'workbench-completeness-value'))[0], `${teachers - withErrors} / ${teachers}`);
    assert.equal((await textsOf(browser, 'workbench-signoffs-value'))[0], `1 / ${teachers}`);
    assert.equal((await textsOf(browser, 'workbench-unsent-value'))[0], String(status.missing.unsent_changes));
    assert.equal((await textsOf(browser, 'workbench-returned-value'))[0], String(status.missing.returned_records));
    assert.equal((await textsOf(browser, 'workbench-statusPending-value'))[0], '0');
    assert.equal((await textsOf(browser, 'workbench-departed-value'))[0], '0');
    // The menu marks where the clerk is.
    assert.match(await (await byTestId(browser, 'nav-home')).getAttribute('class'), /is-active/);
    await screenshot(browser, 'workbench');

    // Completeness opens the 校验 page, filtered to errors.
    await click(browser, 'workbench-completeness');
    await (await byTestId(browser, 'filter-severity')).waitForDisplayed({ timeout: CALL_TIMEOUT_MS });
    await until(
      browser,
      async () => /is-active/.test(await (await byTestId(browser, 'filter-severity-error')).getAttribute('class')),
      'the 校验 page did not open filtered to errors',
    );
    assert.match(await (await byTestId(browser, 'open-validation')).getAttribute('class'), /is-active/);

    // Back to the 工作台, and on through the menu with the keyboard only.
    await click(browser, 'nav-home');
    await (await byTestId(browser, 'workbench-page')).waitForDisplayed({ timeout: CALL_TIMEOUT_MS });
    await browser.execute(() => document.querySelector('[data-testid="nav-home"]').focus());
    await browser.keys('Tab');
    assert.equal(await focused(browser), 'nav-teachers', 'Tab does not reach the next menu entry');
    await browser.keys('ArrowDown');
    assert.equal(await focused(browser), 'open-validation', 'ArrowDown does not move down the menu');
    await browser.keys('ArrowUp');
    assert.equal(await focused(browser), 'nav-teachers', 'ArrowUp does not move up the menu');
    await screenshot(browser, 'nav-menu-focus');
    await browser.keys('Enter');
    await (await byTestId(browser, 'teacher-count')).waitForDisplayed({ timeout: CALL_TIMEOUT_MS });
    assert.match((await textsOf(browser, 'teacher-count'))[0], /共 30 人/);

    // Space opens an entry too: 统计.
    await browser.execute(() => document.querySelector('[data-testid="open-stats"]').focus());
    await browser.keys(' ');
    await (await byTestId(browser, 'stats-page')).waitForDisplayed({ timeout: CALL_TIMEOUT_MS });

    // Folded, the menu keeps its entries as icons.
    await click(browser, 'nav-collapse');
    await until(
      browser,
      async () => /collapsed/.test(await (await byTestId(browser, 'app-nav')).getAttribute('class')),
      'the menu did not fold',
    );
    await click(browser, 'nav-home');
    await (await byTestId(browser, 'workbench-page')).waitForDisplayed({ timeout: CALL_TIMEOUT_MS });
    await screenshot(browser, 'nav-collapsed');
  } finally {
    await app.stop();
  }
});
