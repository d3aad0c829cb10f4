// Error and notice boxes. An API error is shown as a sentence a person can act on: what was
// refused, why (the server's message and details), and what to do for the usual codes.
import { h } from './dom.js';

const advice = {
  401: 'Your API key was not accepted: sign in again.',
  403: 'Your key’s role does not allow this; ask an admin for a writer key.',
  404: 'It is not there (any more).',
  409: 'Someone changed it at the same time; reload and try again.',
  413: 'That is too large for the server.',
  422: 'The server refused this request as it was given; nothing was changed.',
  429: 'The server is busy or the query took too long; try again, or narrow it.',
};

export function errorBox(error, what = 'That did not work') {
  const status = error && error.status;
  const details = (error && error.details) || [];
  return h(
    'div',
    { class: 'error', role: 'alert' },
    h('p', {}, h('strong', {}, `${what}: `), error ? error.message : 'unknown error'),
    details.length ? h('ul', {}, details.map((detail) => h('li', {}, detail))) : null,
    advice[status] ? h('p', { class: 'advice' }, advice[status]) : null,
    status ? h('p', { class: 'code' }, `HTTP ${status} · ${error.code}`) : null,
  );
}

// A filter naming a key that does not exist (422 unknown_context_key: a stale link, a typo in
// the address) said as such, with the closest keys the server found (its details) as buttons
// that choose one: `pick(key)`, `label(key)` the text shown for a key.
export function unknownKeyBox(error, what, pick, label = (key) => key) {
  const closest = (error && error.details) || [];
  return h(
    'div',
    { class: 'error', role: 'alert' },
    h('p', {}, h('strong', {}, `${what}: `), error.message),
    closest.length
      ? h('p', { class: 'suggestions' }, 'Did you mean ',
        closest.map((key, i) => [i ? ', ' : '',
          h('button', { type: 'button', class: 'link', onclick: () => pick(key) }, label(key))]), '?')
      : null,
    h('p', { class: 'code' }, `HTTP ${error.status} · ${error.code}`),
  );
}

// The filter of `names` a 422 unknown_context_key is about, or null. The server checks a
// request's keys in turn and answers for the first unknown one, naming it in the error's
// `field` ("channel", or "filter.channel" for a search's filter); the details alone do not say
// which filter they are for.
export function unknownKeyField(error, names) {
  if (!error || error.code !== 'unknown_context_key' || !error.field) return null;
  const name = error.field.replace(/^filter\./, '');
  return names.includes(name) ? name : null;
}

export function notice(text) {
  return h('p', { class: 'notice', role: 'status' }, text);
}
