import { describe, expect, it } from 'vitest';
import { checkResource, requiredPermission, resourceMessages, resourcesOf, togglePermission } from './permissions';

describe('permissions', () => {
  it('validates typed resources', () => {
    expect(checkResource(' webhooks ', [])).toEqual({ ok: true, value: 'webhooks' });
    expect(checkResource('', [])).toEqual({ ok: false, message: resourceMessages.empty });
    expect(checkResource('Invoices', [])).toEqual({ ok: false, message: resourceMessages.invalid });
    expect(checkResource('1abc', [])).toEqual({ ok: false, message: resourceMessages.invalid });
    expect(checkResource('a'.repeat(65), [])).toEqual({ ok: false, message: resourceMessages.invalid });
    expect(checkResource('a'.repeat(64), []).ok).toBe(true);
    expect(checkResource('bad name', []).ok).toBe(false);
    expect(checkResource('invoices', ['invoices'])).toEqual({ ok: false, message: resourceMessages.duplicate('invoices') });
    expect(checkResource('my_res-2', []).ok).toBe(true);
  });

  it('toggles permissions into a sorted unique list', () => {
    const a = togglePermission([], 'invoices', 'write');
    expect(a).toEqual(['invoices.write']);
    const b = togglePermission(a, 'deals', 'read');
    expect(b).toEqual(['deals.read', 'invoices.write']);
    expect(togglePermission(b, 'invoices', 'write')).toEqual(['deals.read']);
  });

  it('maps methods to the permission they need', () => {
    expect(requiredPermission('GET', 'invoices')).toBe('invoices.read');
    expect(requiredPermission('DELETE', 'invoices')).toBe('invoices.write');
  });

  it('lists resources of a permission list', () => {
    expect(resourcesOf(['a.read', 'a.write', 'b.read'])).toEqual(['a', 'b']);
  });
});
