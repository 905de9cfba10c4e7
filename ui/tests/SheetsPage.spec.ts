import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ErrorPayload, PrintedSheets, School, SheetsPreview } from '../src/bindings'
import SheetsPage from '../src/components/SheetsPage.vue'
import { resetSession, setSchool, showSheets, useSession } from '../src/session'
import { CATALOG, TEACHER } from './fakeCatalog'
import { byTestId, clickTestId, inputOf, maybeTestId, routeInvoke } from './formHelpers'
import { plugins, settle, useChinese, signInForTests } from './helpers'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))
const dialog = vi.hoisted(() => ({ save: vi.fn() }))
vi.mock('@tauri-apps/plugin-dialog', () => dialog)

// jsdom has no blob URLs: each page's URL names its SVG's place.
let blobs = 0
URL.createObjectURL = vi.fn(() => `blob:page-${++blobs}`)
URL.revokeObjectURL = vi.fn()

const SCHOOL: School = {
  code: '1234567890',
  name: '桃李小学',
  school_type: '211',
  school_type_name: '小学',
  indicator_set: CATALOG.set,
  province_code: null,
  city_code: null,
  county_code: null,
  created_at: '2025-01-01T00:00:00Z',
  updated_at: '2025-01-01T00:00:00Z',
}

const SHEET = { teacher_id: TEACHER.id, name: TEACHER.name, id_number: TEACHER.id_number, fingerprint: '3f9a1c027be4' }

function preview(teachers = 1, shown = 1): SheetsPreview {
  return {
    pages: Array.from({ length: shown * 2 }, (_, i) => `<svg><!-- page ${i + 1} --></svg>`),
    sheets: Array.from({ length: shown }, () => SHEET),
    teachers,
    font: 'Noto Sans CJK SC',
  }
}

const PRINTED: PrintedSheets = { path: '/home/clerk/桃李小学-信息确认表.pdf', pages: 2, bytes: 90_000, font: 'Noto Sans CJK SC', sheets: [SHEET] }

function backend(overrides: Record<string, (args?: Record<string, unknown>) => unknown> = {}): void {
  routeInvoke(invoke, {
    sheets_preview: () => preview(),
    sheets_default_path: () => '/home/clerk/桃李小学-信息确认表.pdf',
    sheets_print: () => PRINTED,
    open_file: () => null,
    signoff_info: () => ({ teacher_id: TEACHER.id, state: { state: 'none' }, prints: [] }),
    ...overrides,
  })
}

let wrapper: ReturnType<typeof mount> | undefined

async function mountPage() {
  wrapper = mount(SheetsPage, { global: { plugins }, attachTo: document.body })
  await settle()
  return wrapper
}

describe('SheetsPage', () => {
  beforeEach(() => {
    resetSession()
    signInForTests()
    setSchool(SCHOOL)
    signInForTests()
    useChinese()
    invoke.mockReset()
    dialog.save.mockReset()
  })

  afterEach(() => {
    wrapper?.unmount()
    wrapper = undefined
    document.body.innerHTML = ''
  })

  it('previews the chosen teacher’s pages as images', async () => {
    showSheets([TEACHER])
    backend()
    await mountPage()
    expect(invoke).toHaveBeenCalledWith('sheets_preview', { teacherIds: [TEACHER.id] })
    const pages = document.body.querySelectorAll('[data-testid="sheets-preview-page"]')
    expect(pages).toHaveLength(2)
    expect(byTestId('sheets-scope').textContent).toBe('张三')
    expect(byTestId('sheets-preview-note').textContent).toContain('预览：1 位教师，共 2 页')
  })

  it('asks for everyone’s sheets when no teacher is chosen', async () => {
    showSheets([])
    backend({ sheets_preview: () => preview(30, 10) })
    await mountPage()
    expect(invoke).toHaveBeenCalledWith('sheets_preview', { teacherIds: [] })
    expect(byTestId('sheets-scope').textContent).toBe('全部 30 位教师')
  })

  it('says the preview shows only the first teachers of a large printing', async () => {
    showSheets([])
    backend({ sheets_preview: () => preview(30, 10) })
    await mountPage()
    expect(byTestId('sheets-preview-note').textContent).toContain('预览前 10 位教师（20 页）；生成的 PDF 包括全部 30 位教师')
  })

  it('proposes to save the PDF beside the school file', async () => {
    showSheets([TEACHER])
    backend()
    await mountPage()
    expect(inputOf('sheets-path').value).toBe('/home/clerk/桃李小学-信息确认表.pdf')
  })

  it('prints to the path shown and lists the sheets printed with their fingerprints', async () => {
    showSheets([TEACHER])
    backend()
    await mountPage()
    await clickTestId('sheets-print')
    await settle()
    expect(invoke).toHaveBeenCalledWith('sheets_print', {
      teacherIds: [TEACHER.id],
      path: '/home/clerk/桃李小学-信息确认表.pdf',
    })
    expect(byTestId('sheets-done-summary').textContent).toContain('已生成 1 位教师的确认表，共 2 页')
    expect(byTestId('sheets-printed-fingerprint').textContent).toBe('3f9a1c027be4')
  })

  it('takes the path chosen in the save dialog', async () => {
    showSheets([TEACHER])
    backend()
    dialog.save.mockResolvedValue('/media/usb/确认表.pdf')
    await mountPage()
    await clickTestId('sheets-browse')
    await settle()
    expect(inputOf('sheets-path').value).toBe('/media/usb/确认表.pdf')
  })

  it('asks for a path before printing to none', async () => {
    showSheets([TEACHER])
    backend({ sheets_default_path: () => '' })
    await mountPage()
    await clickTestId('sheets-print')
    await settle()
    expect(byTestId('sheets-print-error').textContent).toContain('请填写 PDF 的保存位置')
    expect(invoke).not.toHaveBeenCalledWith('sheets_print', expect.anything())
  })

  it('shows the back end’s refusal to print and prints nothing', async () => {
    const refusal: ErrorPayload = { code: 'sheets.unwritable', kind: 'user', message: '无法写入“/只读/确认表.pdf”。' }
    showSheets([TEACHER])
    backend({
      sheets_print: () => {
        throw refusal
      },
    })
    await mountPage()
    await clickTestId('sheets-print')
    await settle()
    expect(byTestId('sheets-print-error').textContent).toContain('无法写入')
    expect(maybeTestId('sheets-done')).toBeNull()
  })

  it('shows why there is no preview, such as a missing Chinese font', async () => {
    const missing: ErrorPayload = { code: 'sheets.no_font', kind: 'user', message: '找不到中文字体。请安装 fonts-noto-cjk。' }
    showSheets([TEACHER])
    backend({
      sheets_preview: () => {
        throw missing
      },
    })
    await mountPage()
    expect(byTestId('sheets-preview-error').textContent).toContain('找不到中文字体')
  })

  it('opens the printed PDF in the computer’s viewer', async () => {
    showSheets([TEACHER])
    backend()
    await mountPage()
    await clickTestId('sheets-print')
    await settle()
    await clickTestId('sheets-open-pdf')
    await settle()
    expect(invoke).toHaveBeenCalledWith('open_file', { path: PRINTED.path })
  })

  it('offers 登记签字 for each teacher printed', async () => {
    showSheets([TEACHER])
    backend()
    await mountPage()
    await clickTestId('sheets-print')
    await settle()
    await clickTestId('sheets-signoff')
    await settle()
    expect(invoke).toHaveBeenCalledWith('signoff_info', { teacherId: TEACHER.id })
  })

  it('returns to the list it came from', async () => {
    showSheets([TEACHER])
    backend()
    await mountPage()
    await clickTestId('sheets-back')
    expect(useSession().view.value).toBe('list')
  })
})
