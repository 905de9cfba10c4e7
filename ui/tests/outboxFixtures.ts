// Outbox statuses, batches, receipts and sync passes as the back end sends
// them, for the specs of the 报送 page and the screens that show statuses.
import type {
  BatchSummary,
  EnrollmentInfo,
  Missing,
  OutboxStatus,
  ReceiptInfo,
  SyncPass,
  SyncReport,
  TeacherUpload,
} from '../src/bindings'

export const ENROLLMENT: EnrollmentInfo = {
  upstream: 'http://127.0.0.1:8750',
  school: '1234567890',
  key_id: '34750f98bd59fcfc946da45aaabe933b',
  key_place: 'school_file',
  upstream_key_id: '6a3803d5f059902a1c6dafbc9ba47292',
  upstream_fingerprint: '0C4F 77A1 9B2E 5D60 13C8 A4F7 2E91 B05D 6C3A 8F14 D279 E0B6 4A85 1F3C 7D92 9E02',
  enrolled_at: '2026-03-01T07:59:00.000Z',
  enrolled_by: '王老师',
  review_cursor: 0,
}

export const NOTHING_MISSING: Missing = {
  teachers_with_errors: 0,
  teachers_with_unexplained_warnings: 0,
  unsent_changes: 0,
  changes_needing_reason: 0,
  returned_records: 0,
  teachers_without_signoff: 0,
  batch_in_flight: false,
  not_enrolled: false,
}

export function upload(id: string, name: string, status: TeacherUpload['status'], label: string, more: Partial<TeacherUpload> = {}): TeacherUpload {
  return {
    teacher_id: id,
    name,
    id_number: '11010519491231002X',
    status,
    status_label: label,
    unsent: 0,
    errors: 0,
    unexplained_warnings: 0,
    held_back: null,
    returned: [],
    ...more,
  }
}

export const RETURNED = upload('id-11010519491231002X', '张三', 'returned', '已退回', {
  returned: [
    {
      batch_id: 'b-1',
      change_id: 'teacher:t-1@1',
      group: null,
      group_name: null,
      reason: '姓名与户籍不一致，请核对',
      version: 1,
      superseded: false,
    },
  ],
})

export const EFFECTIVE = upload('id-110105194912310038', '李四', 'effective', '已生效')

export function batch(sequence: number, more: Partial<BatchSummary> = {}): BatchSummary {
  return {
    id: `b-${sequence}`,
    sequence,
    base_batch: sequence > 1 ? `b-${sequence - 1}` : null,
    state: 'received',
    status: 'received',
    state_label: '已接收',
    created_at: '2026-03-02T08:00:00.000Z',
    created_by: '王老师',
    record_count: 2,
    payload_bytes: 400,
    payload_sha256: 'a'.repeat(64),
    key_id: ENROLLMENT.key_id,
    signed_at: '2026-03-02T08:00:01.000Z',
    exported_at: null,
    attempts: 0,
    last_error: null,
    last_error_en: null,
    received_at: '2026-03-02T08:00:02.000Z',
    receipt_sha256: 'b'.repeat(64),
    refusal: null,
    refusal_en: null,
    accepted: 0,
    returned: 0,
    pending: 2,
    recovered_at: null,
    ...more,
  }
}

export const RECEIPT: ReceiptInfo = {
  batch_id: 'b-1',
  sequence: 1,
  record_count: 2,
  received_at: '2026-03-02T08:00:02.000Z',
  key_id: ENROLLMENT.upstream_key_id,
  receipt_sha256: 'b'.repeat(64),
  receipt: '{"alg":"ed25519","key_id":"6a3803d5f059902a1c6dafbc9ba47292","protocol":"taoli-batch/1","receipt":"eyJ9","signature":"c2ln"}',
}

export function status(more: Partial<OutboxStatus> = {}): OutboxStatus {
  return {
    enrollment: ENROLLMENT,
    batches: [batch(1)],
    teachers: [RETURNED, EFFECTIVE],
    counts: { returned: 1, pending: 0, awaiting_review: 0, uploading: 0, received: 0, effective: 1 },
    deadline: { date: '2027-03-31', label: '上一年度数据全部更新完毕', label_en: 'Last year’s data all updated', days_left: 120 },
    missing: { ...NOTHING_MISSING, returned_records: 1 },
    ...more,
  }
}

export function report(more: Partial<SyncReport> = {}): SyncReport {
  return {
    received: [],
    refused: [],
    replayed: [],
    recovered: [],
    recovery_error: null,
    pending: null,
    pending_error: null,
    reviews: { accepted: 0, returned: 0, duplicates: 0, unknown: 0 },
    review_error: null,
    notices: 0,
    notice_error: null,
    ...more,
  }
}

export function pass(more: Partial<SyncPass> = {}): SyncPass {
  return {
    at: '2026-03-02T08:05:00.000Z',
    report: report(),
    error: null,
    changed: false,
    next_at: '2026-03-02T08:10:00.000Z',
    ...more,
  }
}
