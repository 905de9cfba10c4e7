// The 统计 page in the real window: the demo school's teachers counted in a
// card per dimension, each with its numbers and an ECharts chart on a canvas.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  launch, click, textsOf, until, screenshot, demoSchool, waitForDemoSchool,
} from '../lib/app.mjs';

/** The demo school's teachers (fixtures/demo/school.json). */
const DEMO_TEACHERS = 30;
const DIMENSIONS = ['gender', 'age', 'highest_education', 'current_title', 'ethnicity', 'political_status', 'on_establishment', 'staff_category'];

/** Each card's dimension, total and whether its chart has drawn on a canvas of some size. */
async function cards(browser) {
  return browser.execute(() =>
    Array.from(document.querySelectorAll('[data-testid="stats-card"]')).map((card) => {
      const canvas = card.querySelector('[data-testid="stats-chart"] canvas');
      return {
        dimension: card.getAttribute('data-dimension'),
        title: card.querySelector('[data-testid="stats-card-title"]')?.textContent.trim() ?? '',
        total: card.querySelector('[data-testid="stats-total-count"]')?.textContent.trim() ?? '',
        drawn: canvas !== null && canvas.width > 0 && canvas.height > 0,
      };
    }),
  );
}

test('the 统计 page counts the demo school’s teachers in a card per dimension, each with a chart', async () => {
  const { profile, demo } = demoSchool();
  const app = await launch(profile, [demo]);
  const { browser } = app;
  try {
    await waitForDemoSchool(browser);
    await click(browser, 'open-stats');
    await until(
      browser,
      async () => (await cards(browser)).length === DIMENSIONS.length,
      'the statistics cards did not appear',
    );
    const shown = await cards(browser);
    assert.deepEqual(shown.map((c) => c.dimension), DIMENSIONS);
    assert.deepEqual(shown.map((c) => c.title), ['性别', '年龄', '最高学历', '现任专业技术职务', '民族', '政治面貌', '是否在编', '教职工类别']);
    const gender = shown.find((c) => c.dimension === 'gender');
    assert.equal(gender.total, String(DEMO_TEACHERS));
    assert.ok(shown.every((c) => c.total === String(DEMO_TEACHERS)), JSON.stringify(shown));
    assert.match((await textsOf(browser, 'stats-summary'))[0], /共 30 位教师/);

    await until(
      browser,
      async () => (await cards(browser)).every((c) => c.drawn),
      'the charts were not drawn',
    );
    // ECharts animates its first frame in; let it finish before the picture.
    await browser.pause(800);
    await screenshot(browser, 'stats');

    await click(browser, 'stats-back');
    await until(browser, async () => (await textsOf(browser, 'teacher-count')).length === 1, 'the teacher list did not come back');
  } finally {
    await app.stop();
  }
});
