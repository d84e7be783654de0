/** What the "Add an API key" form holds while someone types. */
export interface KeyDraft {
  label: string;
  profileId: string;
  secret: string;
  note: string;
  verify: boolean;
}

export function emptyDraft(profileId: string): KeyDraft {
  return { label: '', profileId, secret: '', note: '', verify: true };
}
