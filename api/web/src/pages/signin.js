// Sign in: with --auth on the page asks for an API key, checks it and finds its role; the key is
// kept in this tab only (sessionStorage). With --auth off there is nothing to sign in to.
import { fetchSession, storeKey } from '../api.js';
import { field, fill, h } from '../dom.js';
import { errorBox } from '../messages.js';

export function signinPage(root, onSignedIn, reason) {
  const key = h('input', { type: 'password', name: 'api-key', autocomplete: 'off', required: true,
    placeholder: 'egk_…' });
  const message = h('div', { class: 'form-message', 'aria-live': 'polite' });
  const form = h('form', { class: 'signin', 'aria-label': 'Sign in' },
    h('h1', {}, 'Sign in'),
    h('p', {}, 'This expgraph server asks for an API key. Your key stays in this browser tab only and is forgotten when the tab closes.'),
    reason ? h('p', { class: 'error', role: 'alert' }, reason) : null,
    field('API key', key, 'An admin makes keys with POST /v1/admin/keys (README, “Authentication”).'),
    h('button', { type: 'submit' }, 'Sign in'), message);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fill(message);
    try {
      const session = await fetchSession(key.value.trim());
      if (!session) {
        fill(message, h('p', { class: 'error', role: 'alert' }, 'That key was not accepted (unknown or revoked).'));
        return;
      }
      storeKey(key.value.trim());
      onSignedIn(session);
    } catch (error) {
      fill(message, errorBox(error, 'Could not check the key'));
    }
  });
  fill(root, form);
  key.focus();
}
