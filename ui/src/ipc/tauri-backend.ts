import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type { Backend, BackendEvent } from './backend';

/** The event channel Rust emits on; payloads are `BackendEvent`s and never carry secrets. */
export const EVENT_CHANNEL = 'drivly://event';

/** The real backend: Tauri IPC commands implemented in `src-tauri/src/commands/`. */
export const tauriBackend: Backend = {
  appInfo: () => invoke('app_info'),

  listProfiles: () => invoke('list_profiles'),
  addProfile: (input) => invoke('add_profile', { input }),
  updateProfile: (input) => invoke('update_profile', { input }),
  removeProfile: (id) => invoke('remove_profile', { id }),
  setActiveProfile: (id) => invoke('set_active_profile', { id }),
  getSettings: () => invoke('get_settings'),
  updateSettings: (settings) => invoke('update_settings', { settings }),

  listApiKeys: () => invoke('list_api_keys'),
  addApiKey: (input) => invoke('add_api_key', { input }),
  verifyApiKey: (id) => invoke('verify_api_key', { id }),
  revealApiKey: (id) => invoke('reveal_api_key', { id }),
  copyApiKey: (id) => invoke('copy_api_key', { id }),
  renameApiKey: (id, label) => invoke('rename_api_key', { id, label }),
  removeApiKey: (id, revokeOnServer) => invoke('remove_api_key', { id, revokeOnServer }),

  permissionCatalog: () => invoke('permission_catalog'),
  mintToken: (input) => invoke('mint_token', { input }),
  mintHistory: () => invoke('mint_history'),

  inspectToken: (token) => invoke('inspect_token', { token }),
  inspectRef: (tokenRef) => invoke('inspect_ref', { tokenRef }),
  verifySignature: (source, key) => invoke('verify_signature', { source, key }),
  copyToken: (tokenRef) => invoke('copy_token', { tokenRef }),
  tryIt: (input) => invoke('try_it', { input }),

  listSessions: () => invoke('list_sessions'),
  signIn: (input) => invoke('sign_in', { input }),
  cancelSignIn: () => invoke('cancel_sign_in'),
  copySessionJwt: (sessionId) => invoke('copy_session_jwt', { sessionId }),
  sessionToken: (sessionId) => invoke('session_token', { sessionId }),
  refreshNow: (sessionId) => invoke('refresh_now', { sessionId }),
  signOut: (sessionId) => invoke('sign_out', { sessionId }),

  subscribe: async (listener) => listen<BackendEvent>(EVENT_CHANNEL, (event) => listener(event.payload)),
};
