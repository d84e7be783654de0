import { describe, expect, it } from 'vitest';
import { PageMemory } from './page-memory';

describe('page memory', () => {
  it('gives each field back once, and only when it is of the expected kind', () => {
    const memory = new PageMemory();
    memory.restore({ label: '"ci"', perms: '["invoices.read"]', open: 'true', broken: '{', renamed: '42' });
    expect(memory.recalled('label', '')).toBe('ci');
    expect(memory.recalled('label', 'fallback')).toBe('fallback');
    expect(memory.recalled<string[]>('perms', [])).toEqual(['invoices.read']);
    expect(memory.recalled('open', false)).toBe(true);
    expect(memory.recalled('broken', 'x')).toBe('x');
    expect(memory.recalled('renamed', 'text')).toBe('text');
    expect(memory.recalled('missing', 7)).toBe(7);
  });

  it('fills a form object’s new fields from the fallback', () => {
    const memory = new PageMemory();
    memory.restore({ draft: '{"label":"billing"}' });
    expect(memory.recalled('draft', { label: '', verify: true })).toEqual({ label: 'billing', verify: true });
  });

  it('hands over the fields of the forms still there', () => {
    const memory = new PageMemory();
    let label = 'a';
    const stop = memory.keep('label', () => label);
    memory.keep('open', () => true);
    label = 'b';
    expect(memory.fields()).toEqual({ label: '"b"', open: 'true' });
    stop();
    expect(memory.fields()).toEqual({ open: 'true' });
  });
});
