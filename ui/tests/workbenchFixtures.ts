import type { WorkbenchSummary } from '../src/bindings'

/** A 工作台 summary of a 30-teacher school, not enrolled; `overrides` replace whole parts. */
export function summary(overrides: Partial<WorkbenchSummary> = {}): WorkbenchSummary {
  return {
    deadline: { date: '2026-09-30', label: '报送当年数据', label_en: 'Report this year', days_left: 40 },
    completeness: { teachers: 30, without_errors: 27, with_errors: 3 },
    signoffs: { teachers: 30, current: 5, stale: 1, unsigned: 24 },
    reporting: { enrolled: false, unsent_changes: 120, teachers_pending: 30, returned_records: 0, teachers_returned: 0 },
    status: { pending: 1, returned: 0, departed: 2 },
    review: { required: false, waiting_changes: 0 },
    ...overrides,
  }
}
