// The walking skeleton's main path in the real window: create a school on the
// start page with its 系统管理员, who adds a 信息管理员; the 信息管理员 adds a
// teacher; quit, start again (the 系统管理员 password opens the encrypted file
// on this keychain-less machine), sign in, and find the teacher.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  launch, freshProfile, fill, choose, click, byTestId, textsOf, until, screenshot, fixturesBinary,
  signIn, switchUser, keepRecoveryCode, CLERK,
} from '../lib/app.mjs';

const ADMIN = { name: '校长', password: 'admin-pass-2026' };

const ZHANG_SAN = { name: '张三', id: '11010519491231002X' };

async function createSchool(browser) {
  await fill(browser, 'create-code', '2151012345');
  await fill(browser, 'create-name', '桃李镇中心小学');
  await choose(browser, 'create-type', '211');
  await fill(browser, 'create-admin', ADMIN.name);
  await fill(browser, 'create-password', ADMIN.password);
  await fill(browser, 'create-password2', ADMIN.password);
  await click(browser, 'create-submit');
  // The new school's recovery code, shown once (tests/e2e/specs/recovery.test.mjs).
  await keepRecoveryCode(browser);
  const name = await byTestId(browser, 'school-name');
  await name.waitForDisplayed({ timeout: 20_000 });
  assert.equal(await name.getText(), '桃李镇中心小学');
  // The 系统管理员 enters no teachers: they add the clerk who does.
  await click(browser, 'open-settings');
  await fill(browser, 'account-new-name', CLERK.name);
  await fill(browser, 'account-new-password', CLERK.password);
  await click(browser, 'account-add');
  await until(
    browser,
    async () => ((await textsOf(browser, 'accounts-table'))[0] || '').includes(CLERK.name),
    'the new account is not listed',
  );
  await click(browser, 'settings-back');
  await switchUser(browser, CLERK);
}

async function addTeacher(browser, { name, id }) {
  await click(browser, 'add-teacher');
  await fill(browser, 'teacher-name', name);
  await fill(browser, 'teacher-id-number', id);
  await click(browser, 'teacher-submit');
}

test('a school created on the start page keeps its teacher after the app restarts', async () => {
  const profile = freshProfile();

  let app = await launch(profile);
  try {
    await screenshot(app.browser, 'start-page');
    await createSchool(app.browser);
    await addTeacher(app.browser, ZHANG_SAN);
    await until(
      app.browser,
      async () => (await textsOf(app.browser, 'teacher-row-name')).includes(ZHANG_SAN.name),
      'the new teacher never appeared in the list',
    );
    await screenshot(app.browser, 'teacher-list');
  } finally {
    await app.stop();
  }

  app = await launch(profile);
  try {
    const recent = await byTestId(app.browser, 'recent-item');
    await recent.waitForDisplayed({ timeout: 20_000 });
    assert.match(await recent.getText(), /桃李镇中心小学/);
    await recent.click();
    await signIn(app.browser, CLERK, ADMIN.password);
    await until(
      app.browser,
      async () => (await textsOf(app.browser, 'teacher-row-name')).includes(ZHANG_SAN.name),
      'the teacher added before the restart is missing',
    );
    assert.deepEqual(await textsOf(app.browser, 'teacher-row-id'), [ZHANG_SAN.id]);
    await screenshot(app.browser, 'teacher-list-after-restart');
  } finally {
    await app.stop();
  }
});

test('a second teacher with the same ID number is refused in the dialog, keeping what was typed', async () => {
  const profile = freshProfile();
  const app = await launch(profile);
  try {
    await createSchool(app.browser);
    await addTeacher(app.browser, ZHANG_SAN);
    await until(
      app.browser,
      async () => (await textsOf(app.browser, 'teacher-row-name')).length === 1,
      'the first teacher never appeared',
    );
    await addTeacher(app.browser, { name: '张叁', id: ZHANG_SAN.id.toLowerCase() });
    const error = await byTestId(app.browser, 'teacher-error');
    await error.waitForDisplayed({ timeout: 20_000 });
    assert.match(await error.getText(), /已登记给教师「张三」/);
    const nameInput = await app.browser.$('[data-testid="teacher-name"] input, input[data-testid="teacher-name"]');
    assert.equal(await nameInput.getValue(), '张叁');
    await screenshot(app.browser, 'add-teacher-refused');
  } finally {
    await app.stop();
  }
});

test('the app opens the demo school given on its command line, and search finds by pinyin initials', async () => {
  const profile = freshProfile();
  const demo = join(profile.data, 'demo.taoli');
  execFileSync(fixturesBinary, ['demo-file', demo]);
  const app = await launch(profile, [demo]);
  try {
    await signIn(app.browser, CLERK);
    const name = await byTestId(app.browser, 'school-name');
    await name.waitForDisplayed({ timeout: 20_000 });
    assert.equal(await name.getText(), '桃李县实验小学');
    await until(
      app.browser,
      async () => /30/.test(await (await byTestId(app.browser, 'teacher-count')).getText()),
      'the demo school should list 30 teachers',
    );
    await screenshot(app.browser, 'demo-school');

    await fill(app.browser, 'teacher-search', 'lyl');
    await until(
      app.browser,
      async () => {
        const names = await textsOf(app.browser, 'teacher-row-name');
        return names.length > 0 && names.every((n) => n === '罗玉兰');
      },
      'searching "lyl" should find 罗玉兰 only',
    );
    await screenshot(app.browser, 'teacher-search');
  } finally {
    await app.stop();
  }
});
