// How an onboarding step's status is drawn, the same on the staff timeline and the administrator's progress
// page (and by the script that updates that page in place, which reads these from the page).

export const STEP_STATUS_ICONS: Readonly<Record<string, string>> = {
  succeeded: '✓',
  failed: '!',
  running: '…',
  pending: '',
  skipped: '–',
}

/** Badge classes of the stylesheet; a status without one shows a plain badge. */
export const STEP_STATUS_TONES: Readonly<Record<string, string>> = {
  succeeded: 'ok',
  failed: 'bad',
  running: 'info',
}
