// What the 待审核 view and the 报送 page read about the school's review.
import type { PendingReview, ReviewStatus, WaitingBatch } from '../src/bindings'
import { batch, report } from './outboxFixtures'

export const WAITING: WaitingBatch = {
  batch_id: 'b-3',
  sequence: 3,
  record_count: 2,
  submitted_at: '2026-03-01T02:00:00Z',
  submitted_by: '王老师',
}

export function reviewStatus(more: Partial<ReviewStatus> = {}): ReviewStatus {
  return { required: true, waiting: null, returned: null, ...more }
}

export const PENDING: PendingReview = {
  batch: WAITING,
  teachers: [
    {
      teacher_id: 't-1',
      name: '张三',
      changes: [
        {
          op: 'update_record',
          op_label: '修改记录',
          op_label_en: 'Record changed',
          group: 'basic',
          group_name: '基本信息',
          group_name_en: 'Basic information',
          fields: [{ code: 'ethnicity', label: '民族', label_en: 'Ethnicity', before: '汉族', after: '蒙古族' }],
          reason: null,
        },
      ],
      warnings: [{ rule: 'age_at_work', message: '参加工作时不满 18 岁', message_en: 'Under 18 at work start', reason: '16 岁参军' }],
    },
    {
      teacher_id: 't-2',
      name: '李四',
      changes: [
        {
          op: 'new_teacher',
          op_label: '新增教师',
          op_label_en: 'New teacher',
          group: null,
          group_name: null,
          group_name_en: null,
          fields: [{ code: 'name', label: '姓名', label_en: 'Name', before: null, after: '李四' }],
          reason: null,
        },
      ],
      warnings: [],
    },
  ],
}

export const APPROVAL = { batch: batch(3, { id: 'b-3', state: 'received' }), sync: report() }
