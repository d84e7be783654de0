// How people tell their sessions apart (issue #16): by the name they gave one, else by the
// account the server names in the token (email, name or username), never a bare `sub` when
// there is anything better.
import type { SessionView } from '../ipc/backend';

type Named = Pick<SessionView, 'label' | 'account' | 'subject'>;

/** What to call a session: the user's name for it, else the account, else the token's subject. */
export function sessionName(s: Named): string {
  return s.label ?? s.account ?? s.subject ?? 'Unknown account';
}

/** The account to show under a session the user renamed (null when the name is the account). */
export function accountUnderName(s: Named): string | null {
  return s.label ? (s.account ?? s.subject) : null;
}
