// The console's shell: the session (sign-in, sign-out), the hash router, the navigation and the live event stream.
import { get, post, del, setCsrf, ApiError } from './api.js';
import { h, toast } from './ui.js';
import * as pages from './pages.js';

const ROUTES = [
  ['dashboard', 'Dashboard', pages.dashboard],
  ['hosts', 'Hosts', pages.hosts],
  ['profiles', 'Profiles', pages.profiles],
  ['groups', 'Groups', pages.groups],
  ['policies', 'Policies', pages.policies],
  ['commands', 'Commands', pages.commands],
  ['enrollment', 'Enrollment', pages.enrollment],
  ['pushcert', 'Push certificate', pages.pushcert],
  ['audit', 'Audit log', pages.audit],
  ['users', 'Users', pages.users, 'admin'],
  ['account', 'Your account', pages.account],
];
const DETAIL = { hosts: pages.host, profiles: pages.profile };

let user = null;
let stream = null;
let listeners = [];

const $ = id => document.getElementById(id);

async function start() {
  $('signin-form').addEventListener('submit', signIn);
  $('signout').addEventListener('click', signOut);
  window.addEventListener('hashchange', render);
  window.addEventListener('jmdm:signed-out', () => showSignIn('Your session ended; sign in again.'));
  try {
    const s = await get('/v1/session', { quiet: true });
    signedIn(s);
  } catch (e) {
    showSignIn();
  }
}

async function signIn(e) {
  e.preventDefault();
  const err = $('signin-error');
  err.textContent = '';
  try {
    const s = await post('/v1/session', { email: $('signin-email').value, password: $('signin-password').value }, { quiet: true });
    $('signin-password').value = '';
    signedIn(s);
  } catch (ex) {
    err.textContent = ex instanceof ApiError && ex.status === 401 ? 'Wrong email or password.' : ex.message;
  }
}

async function signOut() {
  try { await del('/v1/session', { quiet: true }); } catch (e) { /* gone already */ }
  setCsrf('');
  user = null;
  if (stream) stream.close();
  showSignIn('Signed out.');
}

function signedIn(s) {
  user = s.user;
  if (s.csrf_token) setCsrf(s.csrf_token);
  $('signin').hidden = true;
  $('top').hidden = false;
  $('who').textContent = `${user.email} (${user.role})`;
  $('nav').replaceChildren(...ROUTES.filter(r => !r[3] || r[3] === user.role)
    .map(([path, label]) => h('a', { href: `#/${path}`, dataset: { page: path } }, label)));
  openStream();
  if (!location.hash || location.hash === '#/signin') location.hash = '#/dashboard'; else render();
}

function showSignIn(message) {
  user = null;
  $('top').hidden = true;
  $('view').replaceChildren();
  $('signin').hidden = false;
  $('signin-error').textContent = message || '';
  $('signin-email').focus();
}

/**
 * Server-sent events; the dot in the header says whether the stream is up. EventSource reconnects by itself after a
 * dropped connection but gives up for good on an HTTP error (503 when the server holds all the streams it allows),
 * so then we try again, backing off up to a minute, while someone is signed in. A new EventSource does not send
 * Last-Event-ID, so the last id seen goes in the query: the server replays what was missed meanwhile, or sends
 * `reload` when it no longer has it, and the page is read again. A stream that opens after refusals with no id to
 * follow on from cannot be told what it missed, so the page is read again then too.
 */
let streamRetries = 0;
let lastEventId = '';
function openStream() {
  if (stream) stream.close();
  const es = new EventSource(`/v1/stream${lastEventId ? `?last_event_id=${encodeURIComponent(lastEventId)}` : ''}`, { withCredentials: true });
  stream = es;
  es.addEventListener('open', () => {
    const missedSome = streamRetries > 0 && !lastEventId;
    streamRetries = 0;
    $('live').classList.add('on');
    if (missedSome) render();
  });
  es.addEventListener('error', () => {
    $('live').classList.remove('on');
    if (es.readyState === EventSource.CLOSED && stream === es && user) {
      const wait = Math.min(60000, 2000 * 2 ** streamRetries++);
      setTimeout(() => { if (stream === es && user) openStream(); }, wait);
    }
  });
  es.addEventListener('reload', e => {
    if (e.lastEventId) lastEventId = e.lastEventId;
    render();
  });
  es.addEventListener('command', e => {
    if (e.lastEventId) lastEventId = e.lastEventId;
    const data = JSON.parse(e.data);
    for (const l of listeners) if (l.type === 'command') l.fn(data);
  });
}

async function render() {
  if (!user) return;
  const [path, search] = location.hash.replace(/^#\/?/, '').split('?');
  const [page, ...rest] = path.split('/');
  const route = ROUTES.find(r => r[0] === page) || ROUTES[0];
  const detail = rest.length ? DETAIL[route[0]] : null;
  listeners = [];
  const ctx = { user, canAct: user.role !== 'viewer', onEvent: (type, fn) => listeners.push({ type, fn }) };
  for (const a of $('nav').children) a.toggleAttribute('aria-current', a.dataset.page === route[0]);
  const view = $('view');
  view.setAttribute('aria-busy', 'true');
  try {
    const params = new URLSearchParams(search || '');
    const node = detail ? await detail(ctx, params, decodeURIComponent(rest.join('/'))) : await route[2](ctx, params);
    view.replaceChildren(node);
    document.title = `${node.querySelector('h1')?.textContent || route[1]} · jmdm`;
    $('main').focus({ preventScroll: true });
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;
    view.replaceChildren(h('div', { class: 'error' }, h('h1', {}, 'Could not load this page'), h('p', { role: 'alert' }, e.message)));
    if (e instanceof ApiError && e.status === 403) toast('Your role does not allow this', 'error');
  } finally {
    view.removeAttribute('aria-busy');
  }
}

start();
