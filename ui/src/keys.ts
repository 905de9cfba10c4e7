/**
 * True for an Enter that the clerk meant as "go": not the Enter that confirms
 * an input-method (pinyin) composition.
 */
export function isCommitEnter(e: KeyboardEvent): boolean {
  return e.key === 'Enter' && !e.isComposing && e.keyCode !== 229
}
