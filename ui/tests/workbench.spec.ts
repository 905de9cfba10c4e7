import { describe, expect, it } from 'vitest'
import type { Permission } from '../src/bindings'
import { deadlineTone, percent, shareTone, waitingTone, workbenchCards } from '../src/workbench'
import { summary } from './workbenchFixtures'

const everyone = () => true
const viewer = (p: Permission) => p === 'teachers.view'

describe('workbenchCards', () => {
  it('gives the seven cards in order, deadline first', () => {
    expect(workbenchCards(summary(), everyone).map((c) => c.key)).toEqual([
      'deadline',
      'completeness',
      'signoffs',
      'unsent',
      'returned',
      'statusPending',
      'departed',
    ])
  })

  it('counts the status changes waiting for the county, linked to the 报送 page', () => {
    const card = workbenchCards(summary(), everyone).find((c) => c.key === 'statusPending')
    expect(card).toMatchObject({ value: 1, tone: 'warning', link: { view: 'submit', filter: '' } })
  })

  it('marks a returned status change as urgent', () => {
    const card = workbenchCards(summary({ status: { pending: 0, returned: 1, departed: 0 } }), everyone).find(
      (c) => c.key === 'statusPending',
    )
    expect(card?.tone).toBe('danger')
  })

  it('shows the review card only when the school reviews before upload, linked to 待审核 for who may review', () => {
    expect(workbenchCards(summary(), everyone).map((c) => c.key)).not.toContain('review')
    const on = summary({ review: { required: true, waiting_changes: 12 } })
    expect(workbenchCards(on, everyone).find((c) => c.key === 'review')).toMatchObject({ value: 12, link: { view: 'review' } })
    expect(workbenchCards(on, viewer).find((c) => c.key === 'review')?.link).toEqual({ view: 'submit', filter: '' })
  })

  it('links the departed to the teacher list’s 离校教师 view', () => {
    const card = workbenchCards(summary(), everyone).find((c) => c.key === 'departed')
    expect(card).toMatchObject({ value: 2, link: { view: 'list', roster: 'departed' } })
  })

  it('leaves out the deadline card when the catalog names no deadline', () => {
    expect(workbenchCards(summary({ deadline: null }), everyone).map((c) => c.key)).not.toContain('deadline')
  })

  it('shows completeness as teachers without errors out of all, linked to the 校验 page’s errors', () => {
    const card = workbenchCards(summary(), everyone).find((c) => c.key === 'completeness')
    expect(card).toMatchObject({ value: 27, total: 30, link: { view: 'validation', severity: 'error' } })
  })

  it('shows sign-offs as current out of all, linked to the 信息确认表 page', () => {
    const card = workbenchCards(summary(), everyone).find((c) => c.key === 'signoffs')
    expect(card).toMatchObject({ value: 5, total: 30, link: { view: 'sheets' } })
  })

  it('links the sign-offs nowhere for a role that may not print', () => {
    const card = workbenchCards(summary(), viewer).find((c) => c.key === 'signoffs')
    expect(card?.link).toBeNull()
  })

  it('links unsent changes and returned records to the 报送 page filtered to their status', () => {
    const cards = workbenchCards(summary(), viewer)
    expect(cards.find((c) => c.key === 'unsent')).toMatchObject({ value: 120, link: { view: 'submit', filter: 'pending' } })
    expect(cards.find((c) => c.key === 'returned')).toMatchObject({ value: 0, link: { view: 'submit', filter: 'returned' } })
  })

  it('gives the deadline card the days left, linked to the 报送 page', () => {
    const card = workbenchCards(summary(), everyone)[0]
    expect(card).toMatchObject({ key: 'deadline', value: 40, total: null, link: { view: 'submit', filter: '' } })
  })
})

describe('tones', () => {
  it('makes a deadline urgent within two weeks and near within a month', () => {
    expect(deadlineTone(0)).toBe('danger')
    expect(deadlineTone(14)).toBe('danger')
    expect(deadlineTone(15)).toBe('warning')
    expect(deadlineTone(30)).toBe('warning')
    expect(deadlineTone(31)).toBe('info')
  })

  it('makes a share success only when everything is done, and plain with nothing to count', () => {
    expect(shareTone(30, 30)).toBe('success')
    expect(shareTone(29, 30)).toBe('warning')
    expect(shareTone(0, 0)).toBe('info')
  })

  it('makes nothing waiting a success, and returned records urgent', () => {
    expect(waitingTone(0)).toBe('success')
    expect(waitingTone(3)).toBe('warning')
    expect(waitingTone(3, true)).toBe('danger')
  })
})

describe('percent', () => {
  it('rounds down, so that 299 of 300 never reads 100%', () => {
    expect(percent(299, 300)).toBe(99)
    expect(percent(27, 30)).toBe(90)
  })

  it('is 0 when there is nothing to count', () => {
    expect(percent(0, 0)).toBe(0)
  })
})
