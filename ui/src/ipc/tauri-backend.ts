import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import type { Backend, BackendEvent, Commands } from './backend';
import { EVENT_CHANNEL } from './backend';

/**
 * Calls one IPC command, typed by the generated contract: a wrong command name, argument or
 * result type is a compile error, not a run-time surprise.
 */
function call<K extends keyof Commands>(name: K, args: Commands[K]['args']): Promise<Commands[K]['output']> {
  return invoke<Commands[K]['output']>(name, args);
}

/** The real backend: Tauri IPC commands implemented in `src-tauri/src/commands/`. */
export const tauriBackend: Backend = {
  appInfo: () => call('app_info', {}),
  quitApp: async () => {
    await call('quit_app', {});
  },
  recallPage: () => call('recall_page', {}),
  closeWindow: async (snapshot) => {
    await call('close_window', { snapshot });
  },

  listProfiles: () => call('list_profiles', {}),
  addProfile: (input) => call('add_profile', { input }),
  updateProfile: (input) => call('update_profile', { input }),
  removeProfile: (id) => call('remove_profile', { id }),
  checkConnection: (id) => call('check_connection', { id }),
  setActiveProfile: (id) => call('set_active_profile', { id }),
  getSettings: () => call('get_settings', {}),
  updateSettings: (settings) => call('update_settings', { settings }),

  listApiKeys: () => call('list_api_keys', {}),
  addApiKey: (input) => call('add_api_key', { input }),
  verifyApiKey: (id) => call('verify_api_key', { id }),
  revealApiKey: (id) => call('reveal_api_key', { id }),
  copyApiKey: (id) => call('copy_api_key', { id }),
  renameApiKey: (id, label) => call('rename_api_key', { id, label }),
  removeApiKey: (id, revokeOnServer) => call('remove_api_key', { id, revokeOnServer }),

  permissionCatalog: () => call('permission_catalog', {}),
  mintToken: (input) => call('mint_token', { input }),
  mintHistory: () => call('mint_history', {}),

  inspectToken: (token) => call('inspect_token', { token }),
  inspectRef: (tokenRef) => call('inspect_ref', { tokenRef }),
  verifySignature: (source, key) => call('verify_signature', { source, key }),
  copyToken: (tokenRef) => call('copy_token', { tokenRef }),
  tryIt: (input) => call('try_it', { input }),
  copyTryItCurl: (request) => call('copy_try_it_curl', { request }),
  clipboardJwt: () => call('clipboard_jwt', {}),
  inspectClipboard: () => call('inspect_clipboard', {}),

  listSessions: () => call('list_sessions', {}),
  signIn: async (input) => {
    await call('sign_in', { input });
  },
  cancelSignIn: async () => {
    await call('cancel_sign_in', {});
  },
  copySessionJwt: (sessionId) => call('copy_session_jwt', { sessionId }),
  sessionToken: (sessionId) => call('session_token', { sessionId }),
  refreshNow: (sessionId) => call('refresh_now', { sessionId }),
  renameSession: (sessionId, label) => call('rename_session', { sessionId, label }),
  signOut: (sessionId) => call('sign_out', { sessionId }),
  startLocalProxy: (sessionId) => call('start_local_proxy', { sessionId }),
  stopLocalProxy: async (sessionId) => {
    await call('stop_local_proxy', { sessionId });
  },
  listLocalProxies: () => call('list_local_proxies', {}),
  copyLocalProxyUrl: (sessionId) => call('copy_local_proxy_url', { sessionId }),
  copyCurl: (sessionId) => call('copy_curl', { sessionId }),

  linkHandlerStatus: () => call('link_handler_status', {}),
  removeLinkHandlerEntry: () => call('remove_link_handler_entry', {}),

  subscribe: async (listener) => listen<BackendEvent>(EVENT_CHANNEL, (event) => listener(event.payload)),
};
