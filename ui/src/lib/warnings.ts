import type { Warning } from '../ipc/backend';

export type Severity = 'info' | 'warning' | 'danger';

const DANGER = new Set(['alg_none', 'expired', 'signature_missing', 'signature_malformed', 'alg_missing']);
const INFO = new Set(['large_token', 'missing_exp', 'unrecognised_permissions']);

/** The severity Rust sends when it does, else one derived from the stable code. */
export function severityOf(warning: Warning): Severity {
  const sent = (warning as Warning & { severity?: unknown }).severity;
  if (sent === 'info' || sent === 'warning' || sent === 'danger') return sent;
  if (DANGER.has(warning.code)) return 'danger';
  if (INFO.has(warning.code)) return 'info';
  return 'warning';
}
