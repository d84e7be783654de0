// Permissions are `<resource>.read` (GET) and `<resource>.write` (POST, PUT, DELETE).

import type { HttpMethod } from '../ipc/backend';

export type Access = 'read' | 'write';

export const RESOURCE_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;

export const resourceMessages = {
  empty: 'Type a resource name, such as “invoices”.',
  invalid: 'Use lowercase letters, digits, “-” or “_”, starting with a letter (at most 64 characters).',
  duplicate: (name: string) => `“${name}” is already in the grid.`,
} as const;

/** Checks a resource typed into the "add resource" field. */
export function checkResource(
  raw: string,
  existing: readonly string[],
): { ok: true; value: string } | { ok: false; message: string } {
  const value = raw.trim();
  if (value === '') return { ok: false, message: resourceMessages.empty };
  if (!RESOURCE_PATTERN.test(value)) return { ok: false, message: resourceMessages.invalid };
  if (existing.includes(value)) return { ok: false, message: resourceMessages.duplicate(value) };
  return { ok: true, value };
}

export function permissionName(resource: string, access: Access): string {
  return `${resource}.${access}`;
}

/** Adds or removes one permission, keeping the list sorted and unique. */
export function togglePermission(list: readonly string[], resource: string, access: Access): string[] {
  const name = permissionName(resource, access);
  const next = list.includes(name) ? list.filter((p) => p !== name) : [...list, name];
  return [...new Set(next)].sort();
}

/** The permission a request needs: GET needs `.read`, everything else `.write`. */
export function requiredPermission(method: HttpMethod, resource: string): string {
  return permissionName(resource, method === 'GET' ? 'read' : 'write');
}

/** Resources mentioned by a permission list, in order of first appearance. */
export function resourcesOf(list: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of list) {
    const dot = p.lastIndexOf('.');
    const resource = dot > 0 ? p.slice(0, dot) : p;
    if (!out.includes(resource)) out.push(resource);
  }
  return out;
}
