import { describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import InspectScreen from './InspectScreen.svelte';
import { renderScreen } from '../test/render';
import { fakeBackend } from '../test/fake-backend';
import { encodeJwt } from '../test/jwt';
import { rustInspections, rustTokens } from '../test/rust-answers';

const now = () => Math.floor(Date.now() / 1000);

async function paste(token: string) {
  const ctx = await renderScreen(InspectScreen);
  await fireEvent.input(screen.getByLabelText('Paste a JWT'), { target: { value: token } });
  await screen.findByRole('heading', { name: 'What this token can call' });
  return ctx;
}

describe('Inspect', () => {
  it('renders hostile claims as literal text', async () => {
    const hostile = '<img src=x onerror=alert(1)>';
    await paste(encodeJwt({ alg: 'RS256', typ: hostile }, { sub: hostile, exp: now() + 600, permissions: [hostile] }));
    expect(document.querySelector('img')).toBeNull();
    const claims = screen.getByLabelText('Claims JSON');
    expect(claims.textContent).toContain(`"sub": "${hostile}"`);
    expect(screen.getAllByText(hostile).length).toBeGreaterThan(0);
  });

  it('shows the permission table, unrecognised entries, countdown and times', async () => {
    await paste(
      encodeJwt(
        { alg: 'RS256', kid: 'k1' },
        { iat: now() - 60, exp: now() + 7 * 60 + 12, permissions: ['invoices.read', 'invoices.write', 'deals.read', 'admin'] },
      ),
    );
    const table = screen.getByRole('table');
    const invoices = within(table).getByRole('row', { name: /invoices/ });
    expect(within(invoices).getAllByText('allowed')).toHaveLength(4);
    const deals = within(table).getByRole('row', { name: /deals/ });
    expect(within(deals).getAllByText('not allowed')).toHaveLength(3);
    expect(screen.getByText('admin')).toBeTruthy();
    expect(screen.getByTestId('countdown').textContent).toMatch(/^expires in [67] min \d{1,2} s$/);
    expect(screen.getAllByText(/ UTC$/).length).toBe(2);
    expect(screen.getByText(/1 min( \d{1,2} s)? ago/)).toBeTruthy();
  });

  it('lists warnings with their severity', async () => {
    await paste(encodeJwt({ alg: 'none' }, { exp: now() - 3 * 3600 }));
    const warnings = screen.getByRole('list', { name: 'Warnings' });
    expect(within(warnings).getByText(/unsigned/).closest('li')?.className).toContain('danger');
    expect(screen.getByTestId('countdown').textContent).toBe('expired 3 h ago');
  });

  it('says when pasted text is not a JWT', async () => {
    await renderScreen(InspectScreen);
    await fireEvent.input(screen.getByLabelText('Paste a JWT'), { target: { value: rustTokens['opaque'] } });
    // What the Rust inspector answers for text without dots (src-tauri/tests/ui_fixtures.rs).
    const refusal = rustInspections['opaque'];
    expect(refusal && 'error' in refusal).toBe(true);
    expect((await screen.findByRole('alert')).textContent).toContain(refusal && 'error' in refusal ? refusal.error.message : '?');
    expect(screen.getByRole('alert').textContent).toMatch(/no dots/);
  });

  // The answers are the Rust verifier's (src-tauri/tests/ui_fixtures.rs), so the screen is shown
  // what the app would say: the fake backend has no answer of its own for a signature.
  it('verifies the signature with the profile’s keys or pasted material', async () => {
    const { user } = await paste(rustTokens['edLive'] ?? '');
    expect(screen.getByTestId('signature-status').textContent).toMatch(/Not verified/);
    await user.click(screen.getByRole('button', { name: 'Verify signature' }));
    expect((await screen.findByText(/Signature verified/)).parentElement?.textContent).toMatch(/key “emulator-2025” \(EdDSA\)/);
    await user.selectOptions(screen.getByLabelText('Key material'), 'pem');
    await user.type(screen.getByLabelText('Key material value'), 'wrong key');
    await user.click(screen.getByRole('button', { name: 'Verify signature' }));
    expect(await screen.findByText(/could not be read as an RSA, EC/)).toBeTruthy();
  });

  it('says when a signature does not match: a claim changed after signing', async () => {
    const { user } = await paste(rustTokens['edTampered'] ?? '');
    await user.click(screen.getByRole('button', { name: 'Verify signature' }));
    expect((await screen.findByText(/Signature check failed/)).parentElement?.textContent).toMatch(/does not match/);
  });

  it('tries a request: 200 for a granted read, a clear 403 for a missing write', async () => {
    const { user } = await paste(encodeJwt({ alg: 'RS256' }, { exp: now() + 600, permissions: ['invoices.read'] }));
    expect(screen.getByLabelText('Path')).toHaveProperty('value', 'invoices');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect((await screen.findByTestId('try-result')).textContent).toMatch(/200\s+GET \/invoices succeeded/);
    await user.selectOptions(screen.getByLabelText('Method'), 'POST');
    // The GET's answer leaves with the GET: it never sits under a POST it did not answer.
    expect(screen.queryByTestId('try-result')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect((await screen.findByText(/Forbidden — missing/)).textContent).toMatch(/Forbidden — missing invoices\.write/);
    await user.type(screen.getByLabelText('Path'), 's');
    expect(screen.queryByTestId('try-result')).toBeNull();
  });

  it('builds a request: query parameters, paging one click away, the body and headers of the answer', async () => {
    const { user, backend } = await paste(encodeJwt({ alg: 'RS256' }, { exp: now() + 600, permissions: ['invoices.read'] }));
    await user.click(screen.getByRole('button', { name: 'Add parameter' }));
    await user.type(screen.getByLabelText('Parameter 1 name'), 'limit');
    await user.type(screen.getByLabelText('Parameter 1 value'), '5');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    const result = await screen.findByTestId('try-result');
    expect(result.textContent).toMatch(/invoices\?limit=5/);
    expect(screen.getByRole('group', { name: 'Pages' }).textContent).toMatch(/Page 1 of 3 · 12 documents, 5 per page/);
    expect(screen.getByLabelText('Response body').textContent).toMatch(/"docs"/);
    expect(screen.getByText('Headers (2)')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() => expect(screen.getByTestId('try-result').textContent).toMatch(/limit=5&page=2/));
    expect(backend.calls['tryIt']?.at(-1)?.[0]).toMatchObject({ query: [{ name: 'limit', value: '5' }, { name: 'page', value: '2' }] });
    expect(screen.getByRole('button', { name: 'Previous page' })).toHaveProperty('disabled', false);
  });

  it('checks a JSON body before sending, and asks before a write to production', async () => {
    const { user, backend } = await paste(encodeJwt({ alg: 'RS256' }, { exp: now() + 600, permissions: ['invoices.write'] }));
    await user.selectOptions(screen.getByLabelText('Method'), 'POST');
    const body = screen.getByLabelText('JSON body');
    await user.type(body, '{{amount: 10');
    expect(screen.getByText(/Not valid JSON/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect(backend.calls['tryIt'] ?? []).toHaveLength(0);
    await user.clear(body);
    await user.type(body, '{{"amount": 10}');
    await user.selectOptions(screen.getByLabelText('Send to profile'), 'production');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    const dialog = await screen.findByRole('dialog', { name: 'Send POST to Drivly?' });
    expect(dialog.textContent).toMatch(/changes real data/);
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(backend.calls['tryIt'] ?? []).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: 'Send' }));
    await user.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Send POST' }));
    await waitFor(() => expect(backend.calls['tryIt']).toHaveLength(1));
    expect(backend.calls['tryIt']![0]![0]).toMatchObject({ profileId: 'production', method: 'POST', body: '{"amount": 10}' });

    await user.click(screen.getByRole('button', { name: 'Copy as curl' }));
    await waitFor(() => expect(backend.calls['copyTryItCurl']).toHaveLength(1));
    expect(backend.calls['copyTryItCurl']![0]![0]).toEqual({ profileId: 'production', method: 'POST', resource: 'invoices', query: [], body: '{"amount": 10}' });
  });
});

describe('Inspect: the clipboard', () => {
  it('offers a JWT found on the clipboard and inspects it without the page reading it', async () => {
    const backend = fakeBackend();
    backend.state.clipboard = rustTokens['session'] ?? '';
    const { user } = await renderScreen(InspectScreen, { backend });
    const offer = await screen.findByText(/The clipboard holds a JWT for usr_1/);
    expect(offer.textContent).toMatch(/expired|expires in/);
    await user.click(within(offer).getByRole('button', { name: 'Inspect it' }));
    expect(await screen.findByText('The JWT from the clipboard')).toBeTruthy();
    expect(backend.calls['inspectClipboard']?.length).toBe(1);
    // The token never entered the page: no text field holds it.
    expect((screen.queryByLabelText('Paste a JWT') as HTMLTextAreaElement | null)?.value ?? '').toBe('');
  });

  it('says plainly when “Paste from clipboard” finds no JWT', async () => {
    const backend = fakeBackend();
    backend.state.clipboard = 'dk_live_not_a_token';
    const { user } = await renderScreen(InspectScreen, { backend });
    expect(screen.queryByText(/The clipboard holds a JWT/)).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Paste from clipboard' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/clipboard holds no JWT/);
  });
});
