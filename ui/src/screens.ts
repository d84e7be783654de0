// The app's screens, in sidebar order. The id doubles as the e2e test's handle.
export const screens = [
  { id: 'keys', label: 'Keys', hint: 'API keys in your OS keyring' },
  { id: 'sessions', label: 'Sessions', hint: 'Browser sign-ins kept fresh' },
  { id: 'mint', label: 'Mint', hint: 'Least-privilege JWTs from a key' },
  { id: 'inspect', label: 'Inspect', hint: 'Decode any JWT' },
  { id: 'settings', label: 'Settings', hint: 'Profiles, clipboard, theme' },
] as const;

export type ScreenId = (typeof screens)[number]['id'];
