import { mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { CopiedToThisComputer, NetworkShare, School } from '../src/bindings'
import ShareNotice from '../src/components/ShareNotice.vue'
import { resetSession, setSchool, useSession } from '../src/session'
import { clickTestId, maybeTestId, routeInvoke } from './formHelpers'
import { plugins, settle, signInForTests, useChinese } from './helpers'
import { setLocale } from '../src/i18n'

const invoke = vi.hoisted(() => vi.fn())
vi.mock('@tauri-apps/api/core', () => ({ invoke }))

const SHARE: NetworkShare = {
  source: '//192.168.1.10/教务处',
  kind: 'Windows 共享文件夹（SMB）',
  kind_en: 'Windows shared folder (SMB)',
  file_system: 'cifs',
}

const SCHOOL: School = {
  code: '2151012345',
  name: '桃李镇中心小学',
  school_type: '211',
  school_type_name: '小学',
  indicator_set: null,
  province_code: '510000',
  city_code: '510700',
  county_code: '510722',
  created_at: '2026-11-22T08:00:00Z',
  updated_at: '2026-11-22T08:00:00Z',
}

const COPIED: CopiedToThisComputer = {
  path: '/home/clerk/文档/桃李/2151012345-桃李镇中心小学.taoli',
  opened: {
    school: SCHOOL,
    session: {
      name: '王老师',
      role: 'info_manager',
      role_label: '信息管理员',
      permissions: ['teachers.view'],
      masked: false,
    },
    has_users: true,
  },
}

let wrapper: ReturnType<typeof mount> | undefined

async function mountNotice(handlers: Record<string, (args?: Record<string, unknown>) => unknown>) {
  routeInvoke(invoke, handlers)
  wrapper = mount(ShareNotice, { global: { plugins }, attachTo: document.body })
  await settle()
  return wrapper
}

describe('ShareNotice', () => {
  beforeEach(() => {
    resetSession()
    setSchool(SCHOOL)
    signInForTests()
    useChinese()
    invoke.mockReset()
  })

  afterEach(() => {
    wrapper?.unmount()
    wrapper = undefined
    document.body.innerHTML = ''
  })

  it('says nothing for a school file on this computer', async () => {
    await mountNotice({ network_share: () => null })
    expect(maybeTestId('share-notice')).toBeNull()
  })

  it('warns that the file is on a network share, naming it, and offers 复制到本机', async () => {
    await mountNotice({ network_share: () => SHARE })
    const notice = maybeTestId('share-notice')!
    expect(notice.querySelector('.el-alert--warning')).not.toBeNull()
    expect(notice.textContent).toContain(
      '这个学校文件在网络共享文件夹上（Windows 共享文件夹（SMB）：//192.168.1.10/教务处）',
    )
    expect(notice.textContent).toContain('两台电脑不能同时打开')
    expect(maybeTestId('copy-to-this-computer')!.textContent).toContain('复制到本机')
  })

  it('names the kind of share in English in the English window', async () => {
    setLocale('en')
    try {
      await mountNotice({ network_share: () => SHARE })
      const notice = maybeTestId('share-notice')!
      expect(notice.textContent).toContain('(Windows shared folder (SMB): //192.168.1.10/教务处)')
      expect(notice.textContent).not.toContain('共享文件夹')
    } finally {
      useChinese()
    }
  })

  it('copies the file to this computer, opens the copy and says where it is', async () => {
    await mountNotice({ network_share: () => SHARE, copy_to_this_computer: () => COPIED })
    await clickTestId('copy-to-this-computer')
    await settle()
    expect(invoke).toHaveBeenCalledWith('copy_to_this_computer', { folder: null })
    expect(maybeTestId('share-notice')).toBeNull()
    expect(document.body.textContent).toContain(`已复制到本机：${COPIED.path}`)
    expect(useSession().account.value?.name).toBe('王老师')
  })

  it('shows why a copy failed and keeps the notice', async () => {
    await mountNotice({
      network_share: () => SHARE,
      copy_to_this_computer: () => {
        throw {
          code: 'disk.full',
          kind: 'user',
          message: '磁盘空间不足：/home/clerk/文档/桃李 所在的磁盘还需要约 3 MB。',
        }
      },
    })
    await clickTestId('copy-to-this-computer')
    await settle()
    expect(maybeTestId('share-error')!.textContent).toContain('磁盘空间不足')
    expect(maybeTestId('share-notice')).not.toBeNull()
  })
})
