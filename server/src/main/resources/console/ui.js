// DOM helpers. Every value from the API goes in as text (textContent, attributes), never as markup.
let fieldIds = 0;

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** A labelled form control: every input of the console has a visible label tied to it. */
export function field(label, control, hint) {
  const id = control.id || `f${++fieldIds}`;
  control.id = id;
  if (control.type === 'checkbox') return h('div', { class: 'field check' }, control, h('label', { for: id }, label));
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('small', {}, hint) : null);
}

export const input = (attrs) => h('input', attrs);

export function select(name, options, value) {
  return h('select', { name }, options.map(o => {
    const [v, text] = Array.isArray(o) ? o : [o, o];
    return h('option', { value: v, selected: v === value }, text);
  }));
}

/** A table with a caption; rows are arrays of cells (strings or nodes). */
export function table(caption, headers, rows, empty = 'Nothing here yet.') {
  if (!rows.length) return h('p', { class: 'empty' }, empty);
  return h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, headers.map(x => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.map(r => h('tr', {}, r.map(c => h('td', {}, c))))));
}

export function toast(message, kind = 'ok') {
  const t = document.getElementById('toast');
  t.textContent = message;
  t.className = `toast show ${kind}`;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { t.className = 'toast'; }, 5000);
}

/**
 * A modal confirmation (<dialog>: focus stays inside, Escape cancels). With `typed`, the user must type that exact text
 * (a wipe asks for the serial number). Resolves true when confirmed.
 */
export function confirmDialog(title, message, { typed, action = 'Confirm', danger = false } = {}) {
  return new Promise(resolve => {
    const box = typed ? input({ type: 'text', autocomplete: 'off', 'aria-describedby': 'confirm-msg' }) : null;
    const ok = h('button', { type: 'submit', class: danger ? 'danger' : '' }, action);
    const cancel = h('button', { type: 'button', value: 'cancel' }, 'Cancel');
    const form = h('form', { method: 'dialog' },
      h('h2', {}, title), h('p', { id: 'confirm-msg' }, message),
      box ? field(`Type ${typed} to confirm`, box) : null,
      h('div', { class: 'actions' }, cancel, ok));
    const dialog = h('dialog', { class: 'confirm', 'aria-label': title }, form);
    if (box) {
      ok.disabled = true;
      box.addEventListener('input', () => { ok.disabled = box.value !== typed; });
    }
    let result = false;
    form.addEventListener('submit', () => { result = !typed || box.value === typed; });
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => { dialog.remove(); resolve(result); });
    document.body.append(dialog);
    dialog.showModal();
    (box || ok).focus();
  });
}

export function ago(iso) {
  if (!iso) return 'never';
  const s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (s < 60) return `${Math.max(s, 0)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

export function seconds(age) {
  if (age === undefined || age === null) return '';
  if (age < 60) return `${age} s`;
  if (age < 3600) return `${Math.round(age / 60)} min`;
  if (age < 86400) return `${Math.round(age / 3600)} h`;
  return `${Math.round(age / 86400)} d`;
}

export const when = iso => iso ? h('time', { datetime: iso, title: iso }, ago(iso)) : 'never';

export function badge(text) {
  return h('span', { class: `badge ${String(text).toLowerCase().replace(/[^a-z_]/g, '')}` }, text);
}

export function link(href, text) {
  return h('a', { href }, text);
}

/** JSON shown readably (indented, in a <pre>): command results, facts. */
export function jsonBlock(value) {
  return h('pre', { class: 'json', tabindex: '0' }, JSON.stringify(value, null, 2));
}

export function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', {}, title), children);
}

/** Runs an action, reports its outcome as a toast and re-throws nothing: forms stay usable after a refusal. */
export async function attempt(label, fn) {
  try {
    const r = await fn();
    toast(`${label}: done`);
    return r;
  } catch (e) {
    toast(`${label}: ${e.message}`, 'error');
    return undefined;
  }
}
