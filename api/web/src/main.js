// The web UI's entry: finds out whether the server wants a key and what the tab's key may do,
// then routes by the address's hash (#/, #/experiment/KEY, #/plan, #/patterns, #/program,
// #/explore, #/signin).
import './style.css';
import { fetchSession, storedKey, storeKey } from './api.js';
import { fill, h } from './dom.js';
import { errorBox } from './messages.js';
import { planPage } from './pages/plan.js';
import { searchPage } from './pages/search.js';
import { signinPage } from './pages/signin.js';
import { session } from './session.js';

const main = document.getElementById('main');
const sessionBox = document.getElementById('session');

function showSession() {
  if (session.auth === 'off') {
    fill(sessionBox, h('span', { class: 'muted' }, 'no sign-in (auth off)'));
    return;
  }
  fill(sessionBox, h('span', { class: 'role' }, `signed in as ${session.name} · ${session.role}`), ' ',
    h('button', { type: 'button', class: 'link', onclick: () => { storeKey(''); location.hash = '#/signin'; start(); } }, 'Sign out'));
}

function markCurrent(path) {
  for (const link of document.querySelectorAll('#nav a')) {
    const target = link.getAttribute('href').slice(1) || '/';
    const current = target === '/' ? path === '/' || path.startsWith('/experiment') : path.startsWith(target);
    if (current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

async function route() {
  const hash = location.hash.slice(1) || '/';
  const [path, query = ''] = hash.split('?');
  const params = new URLSearchParams(query);
  markCurrent(path);
  if (session.auth === 'on' && !session.signedIn) {
    signinPage(main, signedIn);
    return;
  }
  try {
    // The pages with graphs and charts come in their own chunks (Cytoscape.js, Chart.js).
    if (path.startsWith('/experiment/')) {
      const { experimentPage } = await import('./pages/experiment.js');
      await experimentPage(main, decodeURIComponent(path.slice('/experiment/'.length)));
    } else if (path === '/plan') await planPage(main);
    else if (path === '/patterns') {
      const { patternsPage } = await import('./pages/patterns.js');
      await patternsPage(main, params);
    } else if (path === '/program') {
      const { programPage } = await import('./pages/program.js');
      await programPage(main, params);
    } else if (path === '/explore') {
      const { explorePage } = await import('./pages/explore.js');
      await explorePage(main, params);
    }
    else if (path === '/signin') signinPage(main, signedIn);
    else await searchPage(main, params);
  } catch (error) {
    console.error(error);
    fill(main, errorBox(error, 'This page failed'));
  }
}

function signedIn(found) {
  Object.assign(session, found, { signedIn: true });
  showSession();
  if (location.hash === '#/signin') location.hash = '#/';
  else route();
}

async function start() {
  let found;
  try {
    found = await fetchSession(storedKey());
  } catch (error) {
    fill(main, errorBox(error, 'Cannot reach the expgraph server'));
    return;
  }
  if (found) {
    Object.assign(session, found, { signedIn: true });
  } else {
    Object.assign(session, { auth: 'on', role: 'reader', name: '', signedIn: false });
    storeKey('');
  }
  showSession();
  route();
}

// The search page rewrites its own address as you type with history.replaceState, which fires
// no hashchange; so every hashchange is a navigation (a link, the address bar, Back), and a
// search address opened from the search page runs that search.
window.addEventListener('hashchange', () => route());
start();
