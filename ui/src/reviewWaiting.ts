// How many batches wait for the 系统管理员's review (学校负责人审核,
// docs/batches.md "The review gate"): the count on the side menu's 待审核
// entry. It is read again wherever the review state may have changed: the
// menu when it is drawn and after a sync pass that changed something, the
// 报送 page whenever it reads the review status (a batch just built for
// review), the 待审核 page whenever it reads what waits (approved or
// returned). The core keeps one batch waiting at a time, so it is 0 or 1.
import { readonly, ref } from 'vue'
import * as api from './api'
import type { ReviewStatus } from './bindings'
import { can } from './session'

const waiting = ref(0)

/** The batches waiting for review, as last read (0: none, no badge). */
export const reviewWaiting = readonly(waiting)

/** The batches waiting in a review status. */
export function waitingBatches(status: Pick<ReviewStatus, 'waiting'> | null): number {
  return status?.waiting ? 1 : 0
}

/** Keeps a count just read elsewhere (the 报送 or 待审核 page). */
export function setReviewWaiting(count: number): void {
  waiting.value = count
}

/** Reads the count again; 0 for a role that may not review (it has no 待审核 entry). */
export async function refreshReviewWaiting(): Promise<void> {
  if (!can('batches.review')) {
    waiting.value = 0
    return
  }
  try {
    waiting.value = waitingBatches(await api.reviewStatus())
  } catch {
    // The badge is an addition: the menu stands without it.
  }
}
