// Where each teacher stands with the upstream (待上传 / 待审核 / 上传中 / 已接收 /
// 已退回 / 已生效), as the last outbox status said: the teacher list's 报送 column and
// the 报送 page read it, and the teacher form shows a returned teacher's
// reasons from it without asking the back end again. Labels are the core's.
import { reactive } from 'vue'
import * as api from './api'
import type { OutboxStatus, ReturnedRecord, TeacherUpload, UploadStatus } from './bindings'

const uploads = reactive<{ byTeacher: Record<string, TeacherUpload> }>({ byTeacher: {} })

/** Keeps each teacher's status from `status`. */
export function keepUploads(status: OutboxStatus): void {
  const byTeacher: Record<string, TeacherUpload> = {}
  for (const teacher of status.teachers) byTeacher[teacher.teacher_id] = teacher
  uploads.byTeacher = byTeacher
}

/** Asks the back end for the outbox status and keeps each teacher's. */
export async function loadUploads(): Promise<OutboxStatus> {
  const status = await api.outboxStatus()
  keepUploads(status)
  return status
}

/** A teacher's status as last loaded, if any. */
export function uploadOf(teacherId: string): TeacherUpload | undefined {
  return uploads.byTeacher[teacherId]
}

/** What the reviewer returned of a teacher and no newer edit answers yet. */
export function openReturns(teacherId: string): ReturnedRecord[] {
  return (uploadOf(teacherId)?.returned ?? []).filter((r) => !r.superseded)
}

/** Forgets the statuses (another school, another session). */
export function clearUploads(): void {
  uploads.byTeacher = {}
}

/** The Element Plus tag type of a status: the ones that need the clerk stand out. */
export function uploadTagType(status: UploadStatus): 'danger' | 'warning' | 'primary' | 'info' | 'success' {
  switch (status) {
    case 'returned':
      return 'danger'
    case 'pending':
      return 'warning'
    // Waiting for the school's own review: in hand, nothing for the clerk to do.
    case 'awaiting_review':
    case 'uploading':
      return 'primary'
    case 'received':
      return 'info'
    case 'effective':
      return 'success'
  }
}
