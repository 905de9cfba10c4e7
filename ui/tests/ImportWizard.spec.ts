import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type {
  ColumnMapping,
  ErrorPayload,
  FieldTarget,
  ImportCounts,
  ImportRun,
  ImportSummary,
  RosterInfo,
  RowPreview,
  School,
  UndoResult,
} from '../src/bindings'
import ImportWizard from '../src/components/ImportWizard.vue'
import { resetSession, setSchool, showImport, useSession } from '../src/session'
import { CATALOG } from './fakeCatalog'
import { byTestId, clickTestId, maybeTestId, routeInvoke, typeInto, type Handlers } from './formHelpers'
import { setLocale } from '../src/i18n'
import { plugins, settle, useChinese, signInForTests } from './helpers'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))
const dialog = vi.hoisted(() => ({ open: vi.fn(), save: vi.fn() }))
vi.mock('@tauri-apps/plugin-dialog', () => dialog)
const events = vi.hoisted(() => ({
  progress: null as ((event: { payload: [number, number] }) => void) | null,
  drop: null as ((event: { payload: { type: string; paths?: string[] } }) => void) | null,
}))
vi.mock('@tauri-apps/api/event', () => ({
  listen: vi.fn(async (name: string, handler: (event: { payload: [number, number] }) => void) => {
    if (name === 'import-progress') events.progress = handler
    return () => {
      if (events.progress === handler) events.progress = null
    }
  }),
}))
vi.mock('@tauri-apps/api/webview', () => ({
  getCurrentWebview: () => ({
    onDragDropEvent: async (handler: (event: { payload: { type: string; paths?: string[] } }) => void) => {
      events.drop = handler
      return () => {
        if (events.drop === handler) events.drop = null
      }
    },
  }),
}))

const SCHOOL: School = {
  code: '2151072201',
  name: '桃李县实验小学',
  school_type: '211',
  school_type_name: '小学',
  indicator_set: CATALOG.set,
  province_code: null,
  city_code: null,
  county_code: null,
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-01T00:00:00Z',
}

const CSV: RosterInfo = {
  path: '/home/clerk/教师花名册.csv',
  file_name: '教师花名册.csv',
  kind: 'csv',
  encoding: 'gb18030',
  sheets: [{ index: 1, name: '教师花名册', hidden: false }],
}

const WORKBOOK: RosterInfo = {
  path: '/home/clerk/花名册.xlsx',
  file_name: '花名册.xlsx',
  kind: 'xlsx',
  encoding: null,
  sheets: [
    { index: 1, name: '在职', hidden: false },
    { index: 2, name: '旧表', hidden: true },
  ],
}

function target(group: string, groupName: string, field: string, label: string): FieldTarget {
  return { group, group_name: groupName, field, label }
}

const NAME = target('basic', '基本信息', 'name', '姓名')
const ID_NUMBER = target('basic', '基本信息', 'id_number', '身份证件号')
const ENROLLMENT = target('education', '学习经历', 'enrollment_month', '入学年月')

function column(index: number, header: string, to: FieldTarget | null, extra: Partial<ColumnMapping> = {}): ColumnMapping {
  return {
    index,
    letter: String.fromCharCode(65 + index),
    header,
    target: to,
    source: to ? 'catalog' : 'unknown',
    candidates: [],
    samples: [],
    ...extra,
  }
}

const COUNTS: ImportCounts = { total: 4, new: 3, update: 0, unchanged: 0, refused: 1 }

/** The summary the fake back end returns, with the mappings it was sent applied. */
function summary(args?: Record<string, unknown>, counts: ImportCounts = COUNTS): ImportSummary {
  const options = (args?.options ?? {}) as { mappings?: { header: string; target: string | null }[]; on_conflict?: 'keep' | 'take' }
  const corrected = new Map((options.mappings ?? []).map((m) => [m.header, m.target]))
  const columns = [
    column(0, '姓名', NAME, { samples: ['周明远', '吴晓琳', '郑国栋'] }),
    column(1, '身份证件号', ID_NUMBER, { samples: ['510722198603151012'] }),
    column(2, '来校时间', null, { samples: ['2010-09', '2015.09'] }),
    column(3, '备用', null),
  ].map((c) => {
    if (!corrected.has(c.header)) return c
    const wanted = corrected.get(c.header)
    if (wanted === null) return { ...c, target: null, source: 'ignored' as const }
    return { ...c, target: wanted === '学习经历.入学年月' ? ENROLLMENT : NAME, source: 'corrected' as const }
  })
  return {
    file_name: CSV.file_name,
    kind: 'csv',
    encoding: 'gb18030',
    on_conflict: options.on_conflict ?? 'keep',
    sheets: [
      {
        name: '教师花名册',
        header_rows: [1, 1],
        columns,
        unknown_columns: columns.filter((c) => c.source === 'unknown').map((c) => `${c.header}（${c.letter} 列）`),
        defaults: ['基本信息·国籍/地区 中国'],
        data_rows: counts.total,
        layout: '姓名|身份证件号|来校时间|备用',
      },
    ],
    counts,
    conflicts: 0,
    skipped_sheets: [],
    notes: [],
    problem_groups: [],
    pending: 0,
  }
}

function row(n: number, name: string, extra: Partial<RowPreview> = {}): RowPreview {
  return {
    sheet: '教师花名册',
    row: n,
    status: 'new',
    name,
    id_type: '1',
    id_number: `51072219860315${String(n).padStart(4, '0')}`,
    values: {},
    changes: [],
    messages: [],
    ...extra,
  }
}

const REFUSED_ROW = row(5, '冯雅婷', {
  status: 'refused',
  messages: [
    {
      code: 'import.invalid_date',
      severity: 'refusal',
      column: 'G',
      field: '进本校年月',
      text: '进本校年月「85.3」的年份只有两位，无法确定世纪',
    },
  ],
})

const ROWS = [row(2, '周明远'), row(3, '吴晓琳'), row(4, '郑国栋'), REFUSED_ROW]

const RUN: ImportRun = {
  id: 'imp-20250301-0001',
  at: '2025-03-01T08:00:00Z',
  actor: 'clerk',
  file_name: CSV.file_name,
  sheets: ['教师花名册'],
  on_conflict: 'keep',
  counts: COUNTS,
  teachers_created: 3,
  records_written: 3,
  undone_at: null,
  undone_by: null,
}

const UNDONE: UndoResult = {
  import: { ...RUN, undone_at: '2025-03-01T09:00:00Z', undone_by: 'clerk' },
  teachers_removed: 3,
  records_removed: 3,
  records_restored: 0,
}

const NOT_A_ROSTER: ErrorPayload = {
  code: 'import.unsupported_file',
  kind: 'user',
  message: '文件 照片.jpg 不是花名册：只能导入 .xlsx、.xls、.ods、.csv 文件。',
}

const UNDO_BLOCKED: ErrorPayload = {
  code: 'import.undo_blocked',
  kind: 'user',
  message: '不能撤销这次导入：导入之后，以下教师的信息又被修改过：周明远。撤销会抹掉这些修改。',
}

/** The fake back end of a whole import; `extra` replaces or adds commands. */
function backend(extra: Handlers = {}): Handlers {
  return {
    school_catalog: () => CATALOG,
    import_history: () => [],
    import_open: () => CSV,
    import_preview: (args) => summary(args),
    import_rows: (args) => {
      const status = args?.status as string | null
      const matching = ROWS.filter((r) => status === null || r.status === status)
      const offset = args?.offset as number
      return { rows: matching.slice(offset, offset + (args?.limit as number)), total: matching.length }
    },
    import_commit: () => RUN,
    import_undo: () => UNDONE,
    import_save_refused: () => 1,
    ...extra,
  }
}

let wrapper: ReturnType<typeof mount> | undefined

async function mountWizard(handlers: Handlers = backend()) {
  routeInvoke(invoke, handlers)
  wrapper = mount(ImportWizard, { global: { plugins }, attachTo: document.body })
  await settle()
  return wrapper
}

function calls(command: string): unknown[][] {
  return invoke.mock.calls.filter(([cmd]) => cmd === command)
}

function lastCall(command: string): Record<string, unknown> {
  const all = calls(command)
  return all[all.length - 1]![1] as Record<string, unknown>
}

function activeStep(): string {
  return document.body.querySelector('.el-step__title.is-process')?.textContent?.trim() ?? ''
}

function text(testid: string): string {
  return byTestId(testid).textContent?.replace(/\s+/g, ' ').trim() ?? ''
}

function texts(testid: string): string[] {
  return Array.from(document.body.querySelectorAll(`[data-testid="${testid}"]`)).map(
    (e) => e.textContent?.replace(/\s+/g, ' ').trim() ?? '',
  )
}

/** The rows of the mapping table, as text. */
function mappingRows(): string[] {
  return Array.from(document.body.querySelectorAll('[data-testid="import-mapping"] .el-table__body tr')).map(
    (tr) => tr.textContent?.replace(/\s+/g, ' ').trim() ?? '',
  )
}

async function toSheets(): Promise<void> {
  await typeInto('import-path', CSV.path)
  await clickTestId('import-next')
}

async function toMapping(): Promise<void> {
  await toSheets()
  await clickTestId('import-next')
}

async function toPreview(): Promise<void> {
  await toMapping()
  await clickTestId('import-next')
}

async function toResult(): Promise<void> {
  await toPreview()
  await clickTestId('import-commit')
}

/** Opens the target select of the mapping row whose header is `header` and clicks the option `label`. */
async function chooseTarget(header: string, label: string): Promise<void> {
  const rows = Array.from(document.body.querySelectorAll<HTMLElement>('[data-testid="import-mapping"] .el-table__body tr'))
  const tr = rows.find((r) => r.querySelector('[data-testid="import-column-header"]')?.textContent?.trim() === header)
  if (!tr) throw new Error(`no mapping row for ${header}`)
  const select = tr.querySelector<HTMLElement>('[data-testid="import-target"]')!
  const input = select.querySelector('input')!
  input.value = label
  input.dispatchEvent(new Event('input'))
  await settle()
  const list = document.getElementById(input.getAttribute('aria-controls') ?? '')
  if (!list) throw new Error(`no dropdown for ${header}`)
  const option = Array.from(list.querySelectorAll<HTMLElement>('.el-select-dropdown__item')).find(
    (li) => li.textContent?.trim() === label,
  )
  if (!option) throw new Error(`no option ${label}`)
  option.click()
  await settle()
}

/** Clicks the primary button of the ElMessageBox now open. */
async function confirmMessageBox(): Promise<void> {
  await settle()
  const button = document.body.querySelector<HTMLElement>('.el-message-box__btns .el-button--primary')
  if (!button) throw new Error('no confirmation box')
  button.click()
  await settle()
  await new Promise((resolve) => setTimeout(resolve, 350))
  await settle()
}

/**
 * jsdom lays nothing out: a ResizeObserver that reports a window-sized box lets
 * the virtualized preview table (el-auto-resizer) render its rows.
 */
class SizedResizeObserver {
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(target: Element): void {
    const contentRect = { width: 1000, height: 600, top: 0, left: 0, right: 1000, bottom: 600, x: 0, y: 0 }
    this.callback([{ target, contentRect } as unknown as ResizeObserverEntry], this as unknown as ResizeObserver)
  }
  unobserve(): void {}
  disconnect(): void {}
}

describe('ImportWizard', () => {
  beforeEach(() => {
    vi.stubGlobal('ResizeObserver', SizedResizeObserver)
    resetSession()
    signInForTests()
    setSchool(SCHOOL)
    signInForTests()
    showImport()
    useChinese()
    invoke.mockReset()
    dialog.open.mockReset()
    dialog.save.mockReset()
    events.progress = null
    events.drop = null
  })

  afterEach(() => {
    vi.unstubAllGlobals()
    wrapper?.unmount()
    wrapper = undefined
    document.body.innerHTML = ''
  })

  it('opens the roster at the typed path and moves on to its sheets', async () => {
    await mountWizard()
    expect(activeStep()).toBe('选择文件')
    await toSheets()
    expect(calls('import_open')).toEqual([['import_open', { path: CSV.path }]])
    expect(activeStep()).toBe('工作表')
    expect(texts('import-sheet')).toEqual(['教师花名册'])
  })

  it('opens the roster chosen in the file dialog, offering spreadsheets and CSV files', async () => {
    dialog.open.mockResolvedValue('/home/clerk/教师花名册.csv')
    await mountWizard()
    await clickTestId('import-choose')
    expect(dialog.open.mock.calls[0]![0]).toMatchObject({
      filters: [{ name: '花名册', extensions: ['xlsx', 'xlsm', 'xls', 'ods', 'csv', 'txt'] }],
    })
    expect(calls('import_open')).toEqual([['import_open', { path: '/home/clerk/教师花名册.csv' }]])
    expect(activeStep()).toBe('工作表')
  })

  it('takes the first file dropped on the window as the roster', async () => {
    await mountWizard()
    expect(events.drop).not.toBeNull()
    events.drop!({ payload: { type: 'drop', paths: ['/home/clerk/拖进来的.csv', '/home/clerk/另一个.csv'] } })
    await settle()
    expect(calls('import_open')).toEqual([['import_open', { path: '/home/clerk/拖进来的.csv' }]])
    expect(activeStep()).toBe('工作表')
  })

  it('shows the back end’s message for a file that is not a roster and stays on the first step', async () => {
    await mountWizard(backend({ import_open: () => Promise.reject(NOT_A_ROSTER) }))
    await typeInto('import-path', '/home/clerk/照片.jpg')
    await clickTestId('import-next')
    expect(text('import-error')).toContain('不是花名册')
    expect(activeStep()).toBe('选择文件')
  })

  it('shows the detected encoding of a CSV roster', async () => {
    await mountWizard()
    await toSheets()
    expect(text('import-encoding')).toBe('文件编码：GB18030（GBK）')
  })

  it('checks the visible sheets and leaves a hidden one unchecked, marked 隐藏', async () => {
    await mountWizard(backend({ import_open: () => WORKBOOK }))
    await toSheets()
    const sheets = Array.from(document.body.querySelectorAll<HTMLElement>('[data-testid="import-sheet"]'))
    expect(sheets.map((s) => s.querySelector('.sheet-name')?.textContent)).toEqual(['在职', '旧表'])
    expect(sheets.map((s) => s.querySelector('[data-testid="import-sheet-hidden"]')?.textContent?.trim())).toEqual([
      undefined,
      '隐藏',
    ])
    expect(sheets.map((s) => s.querySelector('input')!.checked)).toEqual([true, false])
    expect(maybeTestId('import-encoding')).toBeNull()
  })

  it('previews every visible sheet when the clerk keeps the proposed sheets', async () => {
    await mountWizard(backend({ import_open: () => WORKBOOK }))
    await toMapping()
    expect(lastCall('import_preview')).toEqual({
      path: WORKBOOK.path,
      options: { sheets: [], mappings: [], on_conflict: 'keep', locale: 'zh-CN' },
    })
    expect(activeStep()).toBe('列对应')
  })

  it('names the sheets to preview when the clerk adds a hidden one', async () => {
    await mountWizard(backend({ import_open: () => WORKBOOK }))
    await toSheets()
    const hidden = Array.from(document.body.querySelectorAll<HTMLElement>('[data-testid="import-sheet"]'))[1]!
    hidden.querySelector('input')!.click()
    await settle()
    await clickTestId('import-next')
    expect((lastCall('import_preview').options as { sheets: string[] }).sheets).toEqual(['在职', '旧表'])
  })

  it('shows each column with its header, samples, indicator and how it was matched', async () => {
    await mountWizard()
    await toMapping()
    const [name, , entry] = mappingRows()
    expect(name).toContain('姓名')
    expect(name).toContain('周明远、吴晓琳、郑国栋')
    expect(name).toContain('基本信息 · 姓名')
    expect(name).toContain('自动识别')
    expect(entry).toContain('2010-09、2015.09')
    expect(entry).toContain('未识别')
  })

  it('lists the columns that are not recognized above the table', async () => {
    await mountWizard()
    await toMapping()
    const unknown = text('import-unknown-columns')
    expect(unknown).toContain('未识别、不导入的列')
    expect(unknown).toContain('来校时间（C 列）、备用（D 列）')
  })

  it('says which columns were mapped as the clerk chose for the same header before', async () => {
    const entry = target('basic', '基本信息', 'school_entry_month', '进本校年月')
    await mountWizard(
      backend({
        import_preview: (args) => {
          const result = summary(args)
          const sheet = result.sheets[0]!
          sheet.columns[2] = { ...sheet.columns[2]!, target: entry, source: 'remembered' }
          sheet.unknown_columns = ['备用（D 列）']
          return result
        },
      }),
    )
    await toMapping()
    expect(text('import-remembered')).toContain('已按上次的选择对应')
    expect(texts('import-remembered-line')).toEqual(['C 列『来校时间』→ 基本信息 · 进本校年月'])
    expect(mappingRows()[2]).toContain('上次的对应')
  })

  it('says nothing of earlier choices when no column used one', async () => {
    await mountWizard()
    await toMapping()
    expect(maybeTestId('import-remembered')).toBeNull()
  })

  it('says which defaults new records get for the fields the sheet has no column for', async () => {
    await mountWizard()
    await toMapping()
    const defaults = text('import-defaults')
    expect(defaults).toContain('新登记的记录按默认值填写')
    expect(defaults).toContain('基本信息·国籍/地区 中国')
  })

  it('previews again with the clerk’s correction when a column’s indicator is changed', async () => {
    await mountWizard()
    await toMapping()
    await chooseTarget('来校时间', '入学年月')
    expect((lastCall('import_preview').options as { mappings: unknown }).mappings).toEqual([
      { header: '来校时间', target: '学习经历.入学年月' },
    ])
    expect(mappingRows()[2]).toContain('学习经历 · 入学年月')
    expect(mappingRows()[2]).toContain('已修改')
  })

  it('keeps earlier corrections when the clerk corrects another column', async () => {
    await mountWizard()
    await toMapping()
    await chooseTarget('来校时间', '入学年月')
    await chooseTarget('备用', '不导入')
    expect((lastCall('import_preview').options as { mappings: unknown }).mappings).toEqual([
      { header: '来校时间', target: '学习经历.入学年月' },
      { header: '备用', target: null },
    ])
  })

  it('shows the counts of the preview and the rows of the first page', async () => {
    await mountWizard()
    await toPreview()
    expect(activeStep()).toBe('预览')
    expect(text('import-counts')).toBe('共 4 行：新增 3，更新 0，无变化 0，未通过 1')
    expect(lastCall('import_rows')).toEqual({ status: null, offset: 0, limit: 200 })
    expect(texts('import-row-name')).toEqual(['周明远', '吴晓琳', '郑国栋', '冯雅婷'])
  })

  it('asks import_rows for the refused rows when 未通过 is chosen', async () => {
    await mountWizard()
    await toPreview()
    byTestId('import-filter-refused').querySelector('input')!.click()
    await settle()
    expect(lastCall('import_rows')).toEqual({ status: 'refused', offset: 0, limit: 200 })
    expect(texts('import-row-name')).toEqual(['冯雅婷'])
  })

  it('shows a refused row’s message with its column letter and indicator', async () => {
    await mountWizard()
    await toPreview()
    const messages = Array.from(document.body.querySelectorAll<HTMLElement>('[data-testid="import-row-message"]'))
    expect(messages).toHaveLength(1)
    expect(messages[0]!.textContent).toBe('G 列 · 进本校年月：进本校年月「85.3」的年份只有两位，无法确定世纪')
    expect(messages[0]!.classList.contains('refusal')).toBe(true)
  })

  it('asks for the preview in the window’s language', async () => {
    setLocale('en')
    try {
      await mountWizard()
      await toPreview()
      expect(lastCall('import_preview').options).toMatchObject({ locale: 'en' })
    } finally {
      useChinese()
    }
  })

  it('shows an update’s changes as old → new', async () => {
    const update = row(2, '周明远', {
      status: 'update',
      changes: [
        { group: 'basic', group_name: '基本信息', field: 'ethnicity', label: '民族', stored: '', imported: '01', conflict: false, taken: true },
        { group: 'basic', group_name: '基本信息', field: 'gender', label: '性别', stored: '2', imported: '1', conflict: true, taken: false },
      ],
    })
    await mountWizard(backend({ import_rows: () => ({ rows: [update], total: 1 }) }))
    await toPreview()
    expect(texts('import-row-change')).toEqual(['民族：（空） → 01', '性别：2 → 1（保留已有值）'])
  })

  it('previews again taking the roster’s values when 采用花名册的值 is chosen', async () => {
    await mountWizard()
    await toPreview()
    const before = calls('import_preview').length
    byTestId('import-on-conflict-take').querySelector('input')!.click()
    await settle()
    expect(calls('import_preview')).toHaveLength(before + 1)
    expect((lastCall('import_preview').options as { on_conflict: string }).on_conflict).toBe('take')
  })

  it('disables 导入 when no row would be written', async () => {
    const nothing: ImportCounts = { total: 2, new: 0, update: 0, unchanged: 1, refused: 1 }
    await mountWizard(backend({ import_preview: (args) => summary(args, nothing) }))
    await toPreview()
    expect(byTestId('import-commit').hasAttribute('disabled')).toBe(true)
    expect(text('import-commit-hint')).toBe('没有可以写入的行')
  })

  it('follows the progress of the commit', async () => {
    let finish: (run: ImportRun) => void = () => {}
    await mountWizard(backend({ import_commit: () => new Promise<ImportRun>((resolve) => (finish = resolve)) }))
    await toResult()
    expect(maybeTestId('import-progress')).not.toBeNull()
    events.progress!({ payload: [1, 4] })
    await settle()
    expect(text('import-progress')).toContain('25%')
    expect(text('import-progress')).toContain('已写入 1 / 4')
    finish(RUN)
    await settle()
    expect(maybeTestId('import-progress')).toBeNull()
  })

  it('shows the result of the commit with its counts and import id', async () => {
    await mountWizard()
    await toResult()
    expect(calls('import_commit')).toHaveLength(1)
    expect(text('import-result')).toContain('导入完成')
    expect(text('import-result-counts')).toBe('新增 3，更新 0，无变化 0，未通过 1')
    expect(text('import-result-id')).toBe('导入编号：imp-20250301-0001')
  })

  it('goes back to the preview with the message when the commit fails', async () => {
    const stale: ErrorPayload = { code: 'import.stale_preview', kind: 'user', message: '预览之后学校文件已被修改。请重新预览后再导入。' }
    await mountWizard(backend({ import_commit: () => Promise.reject(stale) }))
    await toResult()
    expect(text('import-error')).toContain('请重新预览后再导入')
    expect(activeStep()).toBe('预览')
  })

  it('undoes the import after confirmation and shows what was removed', async () => {
    await mountWizard()
    await toResult()
    await clickTestId('import-undo')
    expect(calls('import_undo')).toHaveLength(0)
    await confirmMessageBox()
    expect(calls('import_undo')).toEqual([['import_undo', { importId: RUN.id }]])
    expect(text('import-result-undone')).toBe('已撤销：删除 3 位教师、3 条记录，恢复 0 条记录')
    expect(maybeTestId('import-undo')).toBeNull()
  })

  it('shows the back end’s message when the undo is refused', async () => {
    await mountWizard(backend({ import_undo: () => Promise.reject(UNDO_BLOCKED) }))
    await toResult()
    await clickTestId('import-undo')
    await confirmMessageBox()
    expect(text('import-error')).toContain('以下教师的信息又被修改过：周明远')
    expect(maybeTestId('import-undo')).not.toBeNull()
  })

  it('saves the refused rows where the clerk chooses, proposing <roster>-未通过.xlsx next to the roster', async () => {
    dialog.save.mockResolvedValue('/home/clerk/教师花名册-未通过.xlsx')
    await mountWizard()
    await toResult()
    await clickTestId('import-save-refused')
    expect(dialog.save.mock.calls[0]![0]).toMatchObject({
      defaultPath: '/home/clerk/教师花名册-未通过.xlsx',
      filters: [{ extensions: ['xlsx'] }],
    })
    expect(calls('import_save_refused')).toEqual([['import_save_refused', { path: '/home/clerk/教师花名册-未通过.xlsx' }]])
  })

  it('offers no refused-rows workbook when every row passed', async () => {
    const clean = { ...RUN, counts: { total: 3, new: 3, update: 0, unchanged: 0, refused: 0 } }
    await mountWizard(backend({ import_commit: () => clean }))
    await toResult()
    expect(maybeTestId('import-save-refused')).toBeNull()
  })

  it('returns to the teacher list with 完成', async () => {
    await mountWizard()
    await toResult()
    await clickTestId('import-done')
    expect(useSession().view.value).toBe('list')
  })

  it('lists earlier imports, with an undo button only for those not undone', async () => {
    const older = { ...UNDONE.import, id: 'imp-old', file_name: '去年花名册.xlsx' }
    await mountWizard(backend({ import_history: () => [RUN, older] }))
    const items = texts('import-history-item')
    expect(items).toHaveLength(2)
    expect(items[0]).toContain('教师花名册.csv')
    expect(items[0]).toContain('新增 3，更新 0，未通过 1')
    expect(items[1]).toContain('已于')
    expect(document.body.querySelectorAll('[data-testid="import-history-undo"]')).toHaveLength(1)
  })

  it('undoes an earlier import from the history and lists it again', async () => {
    let history = [RUN]
    await mountWizard(
      backend({
        import_history: () => history,
        import_undo: () => {
          history = [UNDONE.import]
          return UNDONE
        },
      }),
    )
    await clickTestId('import-history-undo')
    await confirmMessageBox()
    expect(calls('import_undo')).toEqual([['import_undo', { importId: RUN.id }]])
    expect(maybeTestId('import-history-undo')).toBeNull()
    expect(texts('import-history-undone')).toHaveLength(1)
  })

  it('goes back to the teacher list from the header', async () => {
    await mountWizard()
    await clickTestId('import-back')
    expect(useSession().view.value).toBe('list')
  })
})
