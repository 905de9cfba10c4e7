import { describe, expect, it } from 'vitest'
import type { CodeTable, StatusEvent } from '../src/bindings'
import { eventTone, locksGroup, newestFirst, ruleFor, statusLabel, todayText } from '../src/status'

const table = {
  id: 'personnel_status',
  name: '人员状态',
  name_en: 'Personnel status',
  source: null,
  confirmed: true,
  none_code: null,
  none_words: null,
  code: [
    { code: '100', name: '在本单位任职', name_en: 'In post', synonyms: [], parent: null, selectable: true, sets: { all: true }, confirmed: true },
    { code: '301', name: '退休', name_en: 'Retired', synonyms: [], parent: '300', selectable: true, sets: { all: true }, confirmed: true },
  ],
} as unknown as CodeTable

function event(partial: Partial<StatusEvent>): StatusEvent {
  return {
    id: 'e',
    teacher_id: 't',
    status: '100',
    effective_date: '2026-01-01',
    reason: '',
    evidence: null,
    kind: 'change',
    state: 'in_effect',
    decision_note: null,
    decided_at: null,
    created_at: '',
    created_by: '',
    ...partial,
  }
}

describe('status', () => {
  it('labels a status with its code and name in the window language', () => {
    expect(statusLabel(table, '301', 'zh-CN')).toBe('301 退休')
    expect(statusLabel(table, '301', 'en')).toBe('301 Retired')
  })

  it('shows a code the table lacks as the code itself', () => {
    expect(statusLabel(table, '999', 'zh-CN')).toBe('999')
  })

  it('finds the rule of a status', () => {
    const rules = [{ code: '301', on_roster: false, approval: 'county' as const, evidence: true, locks: ['*'] }]
    expect(ruleFor(rules, '301')?.approval).toBe('county')
    expect(ruleFor(rules, '100')).toBeNull()
  })

  it('locks every group when the status locks all of them', () => {
    expect(locksGroup({ locks: ['*'] }, 'basic')).toBe(true)
    expect(locksGroup({ locks: ['basic'] }, 'education')).toBe(false)
    expect(locksGroup(null, 'basic')).toBe(false)
  })

  it('lists the newest event first', () => {
    const events = [event({ id: 'a' }), event({ id: 'b' })]
    expect(newestFirst(events).map((e) => e.id)).toEqual(['b', 'a'])
    expect(events.map((e) => e.id)).toEqual(['a', 'b'])
  })

  it('marks a pending change apart from one in effect', () => {
    expect(eventTone(event({ state: 'pending' }))).toBe('warning')
    expect(eventTone(event({ state: 'returned' }))).toBe('danger')
    expect(eventTone(event({ kind: 'initial' }))).toBe('success')
    expect(eventTone(event({}))).toBe('primary')
  })

  it('writes today as year-month-day', () => {
    expect(todayText(new Date(2026, 8, 1))).toBe('2026-09-01')
  })
})
