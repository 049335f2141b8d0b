// One function per page: each reads the API and returns the page's DOM. `ctx` holds the signed-in user, what the role
// allows, and `onEvent` to follow the live stream while the page is shown.
import { get, post, put, del, api, query } from './api.js';
import { h, field, input, select, table, section, badge, when, ago, seconds, jsonBlock, link, toast, confirmDialog, attempt } from './ui.js';
import { bars, stacked, line, ROLLOUT_COLORS } from './charts.js';

const enc = encodeURIComponent;
const PLATFORMS = ['', 'macos', 'ios', 'ipados', 'tvos'];
const STATUSES = ['', 'enrolled', 'pending', 'unenrolled'];

function actionButton(ctx, label, onclick, attrs = {}) {
  return h('button', { type: 'button', onclick, disabled: !ctx.canAct, title: ctx.canAct ? null : 'Your role is read-only', ...attrs }, label);
}

// ---------------------------------------------------------------- dashboard
export async function dashboard(ctx) {
  const [summary, profiles, pushcerts, ready, audit, compliance] = await Promise.all([
    get('/v1/fleet/summary'),
    get('/v1/profiles').catch(() => ({ profiles: [] })),
    get('/v1/pushcert').catch(() => ({ push_certs: [] })),
    fetch('/readyz', { credentials: 'same-origin' }).then(r => r.json()).catch(() => ({ warnings: [] })),
    get('/v1/audit?limit=8').catch(() => ({ entries: [] })),
    get('/v1/compliance/summary').catch(() => null),
  ]);
  const rollouts = await Promise.all(profiles.profiles.slice(0, 20).map(p =>
    get(`/v1/profiles/${enc(p.identifier)}/status?limit=1`).then(s => ({ p, counts: s.counts })).catch(() => ({ p, counts: {} }))));
  const inProgress = rollouts.filter(r => (r.counts.pending || 0) + (r.counts.verifying || 0) > 0);
  const failed = rollouts.filter(r => (r.counts.failed || 0) > 0);
  const tiles = h('div', { class: 'tiles' },
    tile('Hosts', summary.hosts, '#/hosts'),
    ...summary.by_status.map(c => tile(c.name, c.hosts, `#/hosts?status=${c.name}`)),
    tile('Not seen 1 day', summary.not_seen.days1), tile('Not seen 7 days', summary.not_seen.days7), tile('Not seen 30 days', summary.not_seen.days30),
    tile('Rollouts in progress', inProgress.length, '#/profiles'), tile('Rollouts with failures', failed.length, '#/profiles'));
  const certs = pushcerts.push_certs || [];
  const pushWarnings = (ready.warnings || []).filter(w => /push/i.test(w));
  return h('div', {},
    h('h1', {}, 'Dashboard'),
    h('p', {}, `Host counts as of ${new Date(summary.as_of).toLocaleTimeString()} (up to 30 s old)`), tiles,
    h('div', { class: 'grid' },
      section('Hosts by platform', bars('Hosts by platform', summary.by_platform.map(c => ({ name: c.name, value: c.hosts }))) ),
      section('OS versions', bars('OS versions', summary.os_versions.map(c => ({ name: c.name, value: c.hosts })))),
      section('Profile rollouts', table('Rollouts', ['Profile', 'Status'], rollouts.map(r => [
        link(`#/profiles/${enc(r.p.identifier)}`, r.p.display_name || r.p.identifier),
        stacked(r.p.identifier, ['pending', 'verifying', 'verified', 'failed'].map(k => ({ name: k, value: r.counts[k] || 0 })), ROLLOUT_COLORS)]),
        'No profiles yet.')),
      section('Compliance', compliance && compliance.overall ? h('div', {},
        h('p', {}, `${compliance.overall.passing} passing, ${compliance.overall.failing} failing, ${compliance.overall.unknown} unknown`
          + (compliance.overall.percent_passing != null ? ` (${compliance.overall.percent_passing}% passing)` : '')),
        link('#/policies', 'Policies and results')) : h('p', { class: 'empty' }, 'No policies yet.')),
      section('Push certificate', certs.length ? table('Push certificates', ['Topic', 'Expires', 'Warning'],
        certs.map(c => [c.topic, c.not_after, c.warning || ''])) : h('p', { class: 'warn' }, 'No push certificate: devices cannot be woken.'),
        pushWarnings.length ? h('ul', { class: 'warn' }, pushWarnings.map(w => h('li', {}, w))) : h('p', {}, 'No push failures.')),
      section('Recent audit', auditTable(audit.entries))));
}

function tile(label, value, href) {
  const body = [h('span', { class: 'value' }, value), h('span', { class: 'label' }, label)];
  return href ? h('a', { class: 'tile', href }, body) : h('div', { class: 'tile' }, body);
}

function auditTable(entries) {
  return table('Audit entries', ['When', 'Who', 'Action', 'Host', 'Detail'], entries.map(e => [
    when(e.at), e.actor || '', e.action, e.host_id ? link(`#/hosts/${e.host_id}`, String(e.host_id)) : (e.target || ''),
    e.detail ? h('code', {}, JSON.stringify(e.detail).slice(0, 160)) : '']), 'No audit entries.');
}

// ---------------------------------------------------------------- hosts
export async function hosts(ctx, params) {
  const state = { q: params.get('q') || '', platform: params.get('platform') || '', status: params.get('status') || '',
    os_version: params.get('os_version') || '', group: params.get('group') || '', policy: params.get('policy') || '',
    policy_result: params.get('policy_result') || '', sort: params.get('sort') || 'id', limit: 50 };
  const [groups, policies] = await Promise.all([get('/v1/groups').then(r => r.groups),
    get('/v1/policies', { quiet: true }).then(r => r.policies || []).catch(() => [])]);
  const cursors = [null];
  const selected = new Set(JSON.parse(sessionStorage.getItem('jmdm.selected') || '[]'));
  const results = h('div', { id: 'host-results' });
  const count = h('span', { class: 'selection' });
  const showCount = () => {
    count.textContent = `${selected.size} selected`;
    sessionStorage.setItem('jmdm.selected', JSON.stringify([...selected]));
  };

  const search = input({ type: 'search', name: 'q', value: state.q, placeholder: 'name, serial or UDID' });
  const platform = select('platform', PLATFORMS.map(p => [p, p || 'any']), state.platform);
  const status = select('status', STATUSES.map(s => [s, s || 'any']), state.status);
  const os = input({ type: 'text', name: 'os_version', value: state.os_version, placeholder: '15 or 15.1', size: 8 });
  const group = select('group', [['', 'any'], ...groups.map(g => [g.name, g.name])], state.group);
  const policy = select('policy', [['', 'any'], ...policies.map(p => [p.name, p.name])], state.policy);
  const policyResult = select('policy_result', [['', 'any'], 'pass', 'fail', 'unknown'], state.policy_result);
  const sort = select('sort', [['id', 'id'], ['serial_number', 'serial'], ['device_name', 'name'], ['platform', 'platform'],
    ['os_version', 'OS version'], ['-last_seen', 'last seen (newest)'], ['last_seen', 'last seen (oldest)'], ['-enrolled_at', 'enrolled (newest)']], state.sort);
  const form = h('form', { class: 'filters', role: 'search', onsubmit: e => { e.preventDefault(); read(); cursors.length = 1; load(null); } },
    field('Search', search), field('Platform', platform), field('Status', status), field('OS version', os), field('Group', group),
    field('Policy', policy), field('Policy result', policyResult), field('Sort', sort), h('button', { type: 'submit' }, 'Search'));

  function read() {
    Object.assign(state, { q: search.value.trim(), platform: platform.value, status: status.value, os_version: os.value.trim(),
      group: group.value, policy: policy.value, policy_result: policy.value ? policyResult.value : '', sort: sort.value });
    history.replaceState(null, '', `#/hosts${query({ q: state.q, platform: state.platform, status: state.status,
      os_version: state.os_version, group: state.group, policy: state.policy, policy_result: state.policy_result, sort: state.sort === 'id' ? '' : state.sort })}`);
  }

  async function load(cursor) {
    const page = await get(`/v1/hosts${query({ ...state, cursor })}`);
    const rows = page.hosts.map(x => {
      const box = h('input', { type: 'checkbox', 'aria-label': `select ${x.serial_number || x.id}`, checked: selected.has(x.id),
        onchange: e => { e.target.checked ? selected.add(x.id) : selected.delete(x.id); showCount(); } });
      return [box, link(`#/hosts/${x.id}`, x.device_name || x.serial_number || `host ${x.id}`), x.serial_number || '', x.platform || '',
        x.os_version || '', badge(x.status), when(x.last_seen_at), (x.groups || []).join(', ')];
    });
    const prev = h('button', { type: 'button', disabled: cursors.length < 2, onclick: () => { cursors.pop(); load(cursors[cursors.length - 1]); } }, 'Previous');
    const next = h('button', { type: 'button', disabled: !page.next_cursor, onclick: () => { cursors.push(page.next_cursor); load(page.next_cursor); } }, 'Next');
    results.replaceChildren(table('Hosts', ['', 'Name', 'Serial', 'Platform', 'OS', 'Status', 'Last seen', 'Groups'], rows, 'No host matches.'),
      h('div', { class: 'pager' }, prev, h('span', {}, `page ${cursors.length}`), next));
  }

  const groupName = input({ type: 'text', name: 'group', placeholder: 'group name' });
  const bulk = h('form', { class: 'bulk', onsubmit: async e => {
    e.preventDefault();
    if (!selected.size || !groupName.value.trim()) return toast('Select hosts and name a group', 'error');
    const name = groupName.value.trim();
    const existing = await get(`/v1/groups/${enc(name)}`, { quiet: true }).catch(() => ({ hosts: [] }));
    const members = [...new Set([...(existing.hosts || []), ...selected])];
    await attempt(`Group ${name}`, () => put(`/v1/groups/${enc(name)}`, { hosts: members }));
  } }, count, field('Add selected to group', groupName), h('button', { type: 'submit', disabled: !ctx.canAct }, 'Add to group'),
    h('a', { href: '#/commands', class: 'button' }, 'Send a command to the selected'),
    h('button', { type: 'button', onclick: () => { selected.clear(); showCount(); load(cursors[cursors.length - 1]); } }, 'Clear selection'));
  showCount();
  await load(null);
  return h('div', {}, h('h1', {}, 'Hosts'), form, bulk, results);
}

// ---------------------------------------------------------------- one host
export async function host(ctx, params, id) {
  const [d, inv, apps, profs, pols, cmds, certs] = await Promise.all([
    get(`/v1/hosts/${enc(id)}`), get(`/v1/hosts/${enc(id)}/inventory`), get(`/v1/hosts/${enc(id)}/apps`).catch(() => ({ apps: [] })),
    get(`/v1/hosts/${enc(id)}/profiles`).catch(() => ({ profiles: [] })), get(`/v1/hosts/${enc(id)}/policies`).catch(() => null),
    get(`/v1/hosts/${enc(id)}/commands?limit=25`), get(`/v1/hosts/${enc(id)}/certificates`).catch(() => ({ certificates: [] }))]);
  const channelIds = new Set((d.enrollments || []).map(e => e.id));
  const binding = d.enrollment_id ? await get(`/v1/enrollments/${enc(d.enrollment_id)}/certificate`).catch(() => null) : null;
  const pinOut = h('div', { id: 'pin', role: 'status', 'aria-live': 'assertive' });
  const title = d.device_name || d.serial_number || `host ${d.id}`;

  const act = (label, message, fn, opts = {}) => actionButton(ctx, label, async () => {
    if (!(await confirmDialog(`${label} ${title}?`, message, opts))) return;
    const r = await attempt(label, fn);
    if (r && r.pin) pinOut.replaceChildren(h('p', { class: 'pin' }, 'PIN: ', h('strong', { class: 'pin-value' }, r.pin),
      ' — the Mac asks for it to unlock; it is also kept under PINs below.'));
  });
  const lockMessage = input({ type: 'text', name: 'message', placeholder: 'optional message on the lock screen' });
  const actions = h('div', { class: 'actions' },
    act('Refetch inventory', 'Queues DeviceInformation, SecurityInfo and InstalledApplicationList.', () => post(`/v1/hosts/${d.id}/refetch`)),
    act('Refresh profiles', 'Asks the device for its ProfileList and reconciles.', () => post(`/v1/hosts/${d.id}/refresh`)),
    act('Lock', 'The device locks now. A Mac gets a 6-digit PIN, shown here.', () => post(`/v1/hosts/${d.id}/lock`,
      lockMessage.value ? { message: lockMessage.value } : {}), { danger: true }),
    act('Restart', 'The device restarts.', () => post(`/v1/hosts/${d.id}/restart`, {})),
    act('Clear passcode', 'Removes the passcode with the escrowed UnlockToken.', () => post(`/v1/hosts/${d.id}/clear-passcode`, {}), { danger: true }),
    act('Release certificate', 'The device’s certificate stops working; its next Authenticate binds a new one.',
      () => del(`/v1/enrollments/${enc(d.enrollment_id)}/certificate`), { danger: true }),
    actionButton(ctx, 'Wipe', async () => {
      if (!(await confirmDialog(`Wipe ${title}?`, 'Erases every byte on the device. This cannot be undone.',
        { typed: d.serial_number, action: 'Wipe', danger: true }))) return;
      const r = await attempt('Wipe', () => post(`/v1/hosts/${d.id}/wipe`, { confirm: d.serial_number }));
      if (r && r.pin) pinOut.replaceChildren(h('p', { class: 'pin' }, 'PIN: ', h('strong', { class: 'pin-value' }, r.pin)));
    }, { class: 'danger' }),
    actionButton(ctx, 'Delete host', async () => {
      if (!(await confirmDialog(`Delete ${title}?`, 'Forgets the host; the device is refused until it enrolls again.', { action: 'Delete', danger: true }))) return;
      if (await attempt('Delete', () => del(`/v1/hosts/${d.id}`))) location.hash = '#/hosts';
    }, { class: 'danger' }));

  const inventoryPart = (name, src) => src ? h('div', {},
    h('h3', {}, `${name} `, h('small', {}, `collected ${seconds(src.age_seconds)} ago`)), jsonBlock(src.facts)) : h('p', {}, `${name}: not collected yet`);
  const history = h('div', {});
  const showHistory = c => history.replaceChildren(table('Command history', ['Command', 'Status', 'Queued', 'Answered', 'Result'],
    c.commands.map(q => [h('span', {}, q.request_type || '', h('br'), h('small', {}, q.command_uuid)), badge(q.status), when(q.queued_at),
      when(q.result_at), q.result ? h('details', {}, h('summary', {}, 'result'), jsonBlock(q.result)) : ''])));
  showHistory(cmds);
  ctx.onEvent('command', async ev => {
    if (!channelIds.has(ev.id)) return;
    showHistory(await get(`/v1/hosts/${enc(id)}/commands?limit=25`));
  });
  const pinsButton = actionButton(ctx, 'Show PINs', async () => {
    const p = await attempt('PINs', () => get(`/v1/hosts/${d.id}/pins`));
    if (p) pinsList.replaceChildren(table('PINs', ['Command', 'PIN', 'By', 'When'], p.pins.map(x => [x.request_type, x.pin || x.pin_error, x.actor, when(x.created_at)]), 'No PINs.'));
  });
  const pinsList = h('div', {});

  return h('div', {},
    h('h1', {}, title, ' ', badge(d.status)),
    h('p', { class: 'meta' }, `${d.platform || ''} ${d.os_version || ''} · serial ${d.serial_number || '—'} · UDID ${d.udid || '—'} · last seen `, when(d.last_seen_at)),
    section('Actions', field('Lock message', lockMessage), actions, pinOut, pinsButton, pinsList),
    h('div', { class: 'grid' },
      section('Inventory', inventoryPart('Device', inv.device), inventoryPart('Security', inv.security),
        inv.last_failure ? h('p', { class: 'warn' }, `last failure: ${inv.last_failure.reason} ${inv.last_failure.at}`) : null),
      section('Certificate binding', binding && binding.certificate ? h('dl', {},
        h('dt', {}, 'SHA-256'), h('dd', {}, h('code', {}, binding.certificate.sha256)), h('dt', {}, 'Expires'), h('dd', {}, binding.certificate.not_after),
        h('dt', {}, 'Bound'), h('dd', {}, when(binding.certificate.bound_at)),
        binding.rebind_grant ? [h('dt', {}, 'Re-bind grant'), h('dd', {}, `${binding.rebind_grant.reason} until ${binding.rebind_grant.expires_at}`)] : null)
        : h('p', {}, 'No certificate bound.'),
        table('Issued certificates', ['Serial', 'Expires', 'Revoked'], (certs.certificates || []).map(c => [c.serial, c.not_after, c.revoked_at || '']), 'No SCEP certificates.'))),
    section('Profiles', table('Profiles on this host', ['Profile', 'Status', 'Operation', 'Detail'],
      profs.profiles.map(p => [link(`#/profiles/${enc(p.identifier)}`, p.display_name || p.identifier), badge(p.status), p.operation || '', p.detail || '']), 'No profiles.')),
    section('Policies', pols && pols.results ? table('Policy results', ['Policy', 'Result', 'Since', 'Reason'],
      pols.results.map(r => [r.policy, badge(r.result), when(r.since), r.reason || ''])) : h('p', { class: 'empty' }, 'No policy results.')),
    section('Apps', table('Installed apps', ['Name', 'Identifier', 'Version'], (apps.apps || []).slice(0, 200).map(a => [a.name || '', a.identifier || '', a.short_version || a.version || '']), 'No apps collected.')),
    section('Command history', history));
}

// ---------------------------------------------------------------- profiles
export async function profiles(ctx) {
  const list = (await get('/v1/profiles')).profiles;
  const file = input({ type: 'file', name: 'profile', accept: '.mobileconfig,application/x-apple-aspen-config', required: true });
  const upload = h('form', { class: 'inline', onsubmit: async e => {
    e.preventDefault();
    if (!file.files.length) return;
    const r = await attempt('Upload', () => api('POST', '/v1/profiles', file.files[0], { contentType: 'application/x-apple-aspen-config' }));
    if (r) location.hash = `#/profiles/${enc(r.identifier)}`;
  } }, field('Configuration profile (.mobileconfig, signed or not)', file), h('button', { type: 'submit', disabled: !ctx.canAct }, 'Upload'));
  return h('div', {}, h('h1', {}, 'Profiles'), ctx.canAct ? upload : null,
    table('Profiles', ['Name', 'Identifier', 'Version', 'Signed', 'Updated'], list.map(p => [
      link(`#/profiles/${enc(p.identifier)}`, p.display_name || p.identifier), p.identifier, String(p.version), p.signed ? (p.signer || 'yes') : 'no', when(p.updated_at)]),
      'No profiles yet: upload one.'));
}

export async function profile(ctx, params, identifier) {
  const [p, groups] = await Promise.all([get(`/v1/profiles/${enc(identifier)}`), get('/v1/groups')]);
  const t = p.targets;
  const all = input({ type: 'checkbox', name: 'all', checked: t.all });
  const groupBoxes = groups.groups.map(g => ({ g, inc: input({ type: 'checkbox', checked: t.groups.includes(g.name) }),
    exc: input({ type: 'checkbox', checked: t.exclude_groups.includes(g.name) }) }));
  const hostsIn = input({ type: 'text', name: 'hosts', value: t.hosts.join(', '), placeholder: 'host ids, serials or UDIDs' });
  const hostsOut = input({ type: 'text', name: 'exclude_hosts', value: t.exclude_hosts.join(', ') });
  const split = s => s.split(/[\s,]+/).filter(Boolean);
  const targets = h('form', { id: 'targets', onsubmit: async e => {
    e.preventDefault();
    await attempt('Targets', () => put(`/v1/profiles/${enc(identifier)}/targets`, { all: all.checked,
      groups: groupBoxes.filter(x => x.inc.checked).map(x => x.g.name), exclude_groups: groupBoxes.filter(x => x.exc.checked).map(x => x.g.name),
      hosts: split(hostsIn.value), exclude_hosts: split(hostsOut.value) }));
    refresh();
  } },
    field('All hosts', all),
    groupBoxes.length ? h('fieldset', {}, h('legend', {}, 'Groups'), groupBoxes.map(x => h('div', { class: 'row' },
      field(`Include ${x.g.name}`, x.inc), field(`Exclude ${x.g.name}`, x.exc)))) : h('p', {}, 'No groups yet.'),
    field('Hosts', hostsIn), field('Excluded hosts', hostsOut),
    h('button', { type: 'submit', disabled: !ctx.canAct }, 'Save targets'));

  const chart = h('div', { id: 'rollout-chart' });
  const rows = h('div', {});
  async function refresh() {
    const s = await get(`/v1/profiles/${enc(identifier)}/status?limit=100`);
    const counts = ['pending', 'verifying', 'verified', 'failed'].map(k => ({ name: k, value: s.counts[k] || 0 }));
    chart.replaceChildren(stacked('Rollout', counts, ROLLOUT_COLORS),
      h('p', { class: 'counts' }, counts.map(c => h('span', { class: `count ${c.name}`, dataset: { status: c.name } }, `${c.name}: `, h('strong', {}, String(c.value))))));
    rows.replaceChildren(table('Hosts', ['Host', 'Serial', 'Status', 'Operation', 'Detail', 'Updated'], s.hosts.map(x => [
      link(`#/hosts/${x.host}`, String(x.host)), x.serial || '', badge(x.status), x.operation || '', x.detail || '', when(x.updated_at)]), 'No host targeted.'));
  }
  let timer = null;
  ctx.onEvent('command', () => { if (!timer) timer = setTimeout(() => { timer = null; refresh(); }, 500); });
  await refresh();
  const remove = actionButton(ctx, 'Delete profile', async () => {
    if (!(await confirmDialog(`Delete ${identifier}?`, 'Hosts that hold it get RemoveProfile.', { action: 'Delete', danger: true }))) return;
    if (await attempt('Delete', () => del(`/v1/profiles/${enc(identifier)}`))) location.hash = '#/profiles';
  }, { class: 'danger' });
  return h('div', {}, h('h1', {}, p.display_name || identifier),
    h('p', { class: 'meta' }, `${identifier} · version ${p.version} · ${p.signed ? 'signed by ' + (p.signer || '?') : 'unsigned'} · `,
      h('a', { href: `/v1/profiles/${enc(identifier)}/raw`, download: `${identifier}.mobileconfig` }, 'download')),
    section('Rollout', chart, rows),
    h('div', { class: 'grid' },
      section('Targets', targets),
      section('Payloads', table('Payloads', ['Type', 'Identifier', 'Name'], p.payloads.map(x => [x.type, x.identifier, x.display_name || '']))),
      section('Versions', table('Versions', ['Version', 'UUID', 'Size', 'Created'], p.versions.map(v => [String(v.version), v.uuid, String(v.size), when(v.created_at)])))),
    remove);
}

// ---------------------------------------------------------------- groups
export async function groups(ctx) {
  const list = (await get('/v1/groups')).groups;
  const name = input({ type: 'text', name: 'name', required: true, pattern: '[A-Za-z0-9._-]+' });
  const members = input({ type: 'text', name: 'hosts', placeholder: 'host ids, serials or UDIDs' });
  const form = h('form', { class: 'inline', onsubmit: async e => {
    e.preventDefault();
    if (await attempt(`Group ${name.value}`, () => put(`/v1/groups/${enc(name.value)}`, { hosts: members.value.split(/[\s,]+/).filter(Boolean) })))
      location.reload();
  } }, field('Group name', name), field('Members', members), h('button', { type: 'submit', disabled: !ctx.canAct }, 'Save group'));
  return h('div', {}, h('h1', {}, 'Groups'), ctx.canAct ? form : null,
    table('Groups', ['Name', 'Members', 'Updated', ''], list.map(g => [link(`#/hosts?group=${enc(g.name)}`, g.name), String(g.member_count), when(g.updated_at),
      actionButton(ctx, 'Delete', async () => {
        if (!(await confirmDialog(`Delete group ${g.name}?`, 'Its members lose what it targeted.', { action: 'Delete', danger: true }))) return;
        if (await attempt('Delete', () => del(`/v1/groups/${enc(g.name)}`))) location.reload();
      })]), 'No groups yet.'));
}

// ---------------------------------------------------------------- policies and compliance
export async function policies(ctx, params) {
  const [list, summary] = await Promise.all([get('/v1/policies'), get('/v1/compliance/summary').catch(() => null)]);
  const chosen = params.get('policy');
  let results = null;
  if (chosen) {
    const r = await get(`/v1/policies/${enc(chosen)}/results?limit=200`);
    results = section(`Results of ${chosen}`, table('Results', ['Host', 'Serial', 'Result', 'Since', 'Reason'], r.results.map(x => [
      link(`#/hosts/${x.host_id}`, x.device_name || String(x.host_id)), x.serial_number || '', badge(x.result), when(x.since), x.reason || ''])));
  }
  const overall = summary && summary.history && summary.history.overall ? summary.history.overall : [];
  return h('div', {}, h('h1', {}, 'Policies and compliance'),
    h('p', {}, h('a', { href: '/v1/compliance?format=csv', download: 'compliance.csv', class: 'button' }, 'Download compliance CSV')),
    summary && summary.overall ? section('Compliance', h('p', {}, `${summary.overall.passing} passing, ${summary.overall.failing} failing, ${summary.overall.unknown} unknown`),
      line('Percent passing, last 30 days', overall.filter(x => x.percent_passing != null).map(x => ({ value: x.percent_passing })))) : null,
    table('Policies', ['Policy', 'Severity', 'Passing', 'Failing', 'Unknown', 'Evaluation'], list.policies.map(p => [
      link(`#/policies?policy=${enc(p.name)}`, p.name), p.severity || '', String(p.counts.passing), String(p.counts.failing), String(p.counts.unknown),
      p.evaluation ? p.evaluation.status : '']), 'No policies yet (jmdm apply or POST /v1/policies).'),
    results);
}

// ---------------------------------------------------------------- commands
const REQUEST_TYPES = ['DeviceInformation', 'SecurityInfo', 'InstalledApplicationList', 'ManagedApplicationList', 'ProfileList', 'RemoveProfile',
  'ProvisioningProfileList', 'CertificateList', 'Restrictions', 'UserList', 'ActivationLockBypassCode', 'ScheduleOSUpdateScan',
  'AvailableOSUpdates', 'OSUpdateStatus', 'ShutDownDevice'];

export async function commands(ctx) {
  const groups = (await get('/v1/groups')).groups;
  const selected = JSON.parse(sessionStorage.getItem('jmdm.selected') || '[]');
  const type = select('request_type', REQUEST_TYPES, 'DeviceInformation');
  const target = select('target', [['selected', `the ${selected.length} selected hosts`], ...groups.map(g => [`group:${g.name}`, `group ${g.name} (${g.member_count})`]), ['list', 'hosts listed below']], selected.length ? 'selected' : 'list');
  const hostsList = input({ type: 'text', name: 'hosts', placeholder: 'host ids, serials or UDIDs' });
  const fields = h('textarea', { name: 'fields', rows: 5, placeholder: '{"queries": ["OSVersion", "SerialNumber"]}' });
  const out = h('div', { id: 'command-result' });
  const form = h('form', { onsubmit: async e => {
    e.preventDefault();
    let extra = {};
    try { extra = fields.value.trim() ? JSON.parse(fields.value) : {}; } catch (err) { return toast(`Fields: ${err.message}`, 'error'); }
    let targets = selected;
    if (target.value.startsWith('group:')) targets = (await get(`/v1/groups/${enc(target.value.slice(6))}`)).hosts;
    else if (target.value === 'list') targets = hostsList.value.split(/[\s,]+/).filter(Boolean);
    if (!targets.length) return toast('No hosts to send to', 'error');
    if (!(await confirmDialog(`Send ${type.value}?`, `To ${targets.length} host(s).`, { action: 'Send' }))) return;
    const r = await attempt(type.value, () => post('/v1/commands', { request_type: type.value, hosts: targets.map(String), ...extra }));
    if (r) follow(r.command_uuid);
  } }, field('Request type', type), field('Send to', target), field('Hosts (when listed)', hostsList),
    field('Command keys as JSON (Apple’s spelling or snake_case)', fields), h('button', { type: 'submit', disabled: !ctx.canAct }, 'Send command'));
  async function follow(uuid) {
    const c = await get(`/v1/commands/${enc(uuid)}`);
    out.replaceChildren(section(`Command ${uuid}`, table('Per host', ['Enrollment', 'Status', 'Result'],
      c.enrollments.map(e => [e.id, badge(e.status), e.result ? jsonBlock(e.result) : '']))));
    ctx.onEvent('command', ev => { if (ev.command_uuid === uuid) follow(uuid); });
  }
  return h('div', {}, h('h1', {}, 'Commands'),
    h('p', {}, 'Lock, wipe, restart and clear passcode are on each host’s page. Any other request type: PUT /v1/enqueue.'), form, out);
}

// ---------------------------------------------------------------- enrollment
export async function enrollment(ctx) {
  const note = input({ type: 'text', name: 'note', maxlength: 200 });
  const uses = input({ type: 'number', name: 'max_uses', min: 1 });
  const days = input({ type: 'number', name: 'days', min: 1, max: 3650, value: 7 });
  const created = h('div', { id: 'created-link' });
  const list = h('div', { id: 'enrollment-links' });
  // The table is read again after a create or revoke, so a new link shows without reloading the page.
  async function refresh() {
    const links = (await get('/v1/enrollment-links')).enrollment_links;
    list.replaceChildren(table('Enrollment links', ['Note', 'Status', 'Uses', 'Created', 'Expires', ''], links.map(l => [l.note || l.id, badge(l.status),
      `${l.uses}${l.max_uses ? ' / ' + l.max_uses : ''}`, when(l.created_at), l.expires_at || 'never',
      l.status === 'active' ? actionButton(ctx, 'Revoke', async () => {
        if (!(await confirmDialog('Revoke the link?', 'Devices can no longer enroll with it.', { action: 'Revoke', danger: true }))) return;
        if (await attempt('Revoke', () => del(`/v1/enrollment-links/${enc(l.id)}`))) await refresh();
      }) : '']), 'No enrollment links yet.'));
  }
  const form = h('form', { class: 'inline', onsubmit: async e => {
    e.preventDefault();
    const body = {};
    if (note.value) body.note = note.value;
    if (uses.value) body.max_uses = Number(uses.value);
    if (days.value) body.expires_at = new Date(Date.now() + Number(days.value) * 86400000).toISOString();
    const r = await attempt('Enrollment link', () => post('/v1/enrollment-links', body));
    if (r) {
      created.replaceChildren(section('New enrollment link (shown once)',
        h('img', { class: 'qr', alt: `QR code of ${r.url}`, src: `data:image/svg+xml;base64,${btoa(r.qr_svg)}` }),
        h('p', {}, h('a', { href: r.url }, r.url)), h('p', {}, 'Open it on the device, or scan the code with its camera.')));
      await refresh();
    }
  } }, field('Note', note), field('Uses (empty: unlimited)', uses), field('Valid for days', days),
    h('button', { type: 'submit', disabled: !ctx.canAct }, 'Create link'));
  await refresh();
  return h('div', {}, h('h1', {}, 'Enrollment'),
    h('p', {}, 'The enrollment profile itself: ', h('a', { href: '/mdm/enroll', download: 'enroll.mobileconfig' }, '/mdm/enroll'),
      ' (refused when MDM_ENROLL_REQUIRE_TOKEN is on: use a link).'),
    ctx.canAct ? form : null, created, list);
}

// ---------------------------------------------------------------- push certificate
export async function pushcert(ctx) {
  const certs = (await get('/v1/pushcert')).push_certs || [];
  const file = input({ type: 'file', name: 'pushcert', accept: '.pem,.p12,.pfx', required: true });
  const password = input({ type: 'password', name: 'password', autocomplete: 'off' });
  const form = h('form', { onsubmit: async e => {
    e.preventDefault();
    const f = file.files[0];
    if (!f) return;
    const p12 = /\.(p12|pfx)$/i.test(f.name);
    const headers = p12 ? { 'X-Pkcs12-Password': password.value } : {};
    const res = await fetch('/v1/pushcert', { method: 'PUT', credentials: 'same-origin', body: f,
      headers: { 'X-Requested-With': 'jmdm-console', 'Content-Type': p12 ? 'application/x-pkcs12' : 'application/x-pem-file', 'X-CSRF-Token': sessionStorage.getItem('jmdm.csrf') || '', ...headers } });
    const body = await res.json().catch(() => ({}));
    if (res.ok) { toast(`Push certificate for ${body.topic} stored`); location.reload(); } else toast(`Upload: ${body.error || res.status}`, 'error');
  } }, field('Certificate and key (PEM, concatenated) or PKCS#12', file), field('PKCS#12 password', password),
    h('button', { type: 'submit', disabled: ctx.user.role !== 'admin' }, 'Upload'));
  return h('div', {}, h('h1', {}, 'Push certificate'),
    table('Push certificates', ['Topic', 'Expires', 'Warning'], certs.map(c => [c.topic, `${c.not_after} (${ago(c.not_after).replace(' ago', '')})`, c.warning || '']),
      'No push certificate yet: devices cannot be woken until one is uploaded.'),
    ctx.user.role === 'admin' ? section('Upload or renew', form) : h('p', {}, 'Only admins upload push certificates.'));
}

// ---------------------------------------------------------------- audit
export async function audit(ctx, params) {
  const hostRef = input({ type: 'text', name: 'host', value: params.get('host') || '' });
  const action = input({ type: 'text', name: 'action', value: params.get('action') || '', placeholder: 'e.g. lock, command' });
  const actor = input({ type: 'text', name: 'actor', value: params.get('actor') || '', placeholder: 'email or API key name' });
  const out = h('div', {});
  const cursors = [null];
  async function load(cursor) {
    const page = await get(`/v1/audit${query({ host: hostRef.value.trim(), action: action.value.trim(), actor: actor.value.trim(), limit: 50, cursor })}`);
    out.replaceChildren(auditTable(page.entries), h('div', { class: 'pager' },
      h('button', { type: 'button', disabled: cursors.length < 2, onclick: () => { cursors.pop(); load(cursors[cursors.length - 1]); } }, 'Previous'),
      h('button', { type: 'button', disabled: !page.next_cursor, onclick: () => { cursors.push(page.next_cursor); load(page.next_cursor); } }, 'Next')));
  }
  const form = h('form', { class: 'filters', onsubmit: e => { e.preventDefault(); cursors.length = 1; load(null); } },
    field('Host', hostRef), field('Action', action), field('User', actor), h('button', { type: 'submit' }, 'Filter'));
  await load(null);
  return h('div', {}, h('h1', {}, 'Audit log'), form, out);
}

// ---------------------------------------------------------------- users (admin)
export async function users(ctx) {
  if (ctx.user.role !== 'admin') return h('div', {}, h('h1', {}, 'Users'), h('p', {}, 'Only admins manage users.'));
  const list = await get('/v1/users');
  const email = input({ type: 'email', name: 'email', required: true, autocomplete: 'off' });
  const password = input({ type: 'password', name: 'password', required: true, autocomplete: 'new-password', minlength: 12 });
  const role = select('role', ['viewer', 'operator', 'admin'], 'viewer');
  const form = h('form', { class: 'inline', onsubmit: async e => {
    e.preventDefault();
    if (await attempt(`User ${email.value}`, () => post('/v1/users', { email: email.value, password: password.value, role: role.value }))) location.reload();
  } }, field('Email', email), field('Password', password), field('Role', role), h('button', { type: 'submit' }, 'Add user'));
  const rows = (list.users || []).map(u => {
    const r = select('role', ['viewer', 'operator', 'admin'], u.role);
    r.setAttribute('aria-label', `role of ${u.email}`);
    return [u.email, r, String(u.active_sessions ?? 0),
      h('button', { type: 'button', onclick: () => attempt('Role', () => api('PATCH', `/v1/users/${enc(u.id)}`, { role: r.value })) }, 'Save role'),
      h('button', { type: 'button', class: 'danger', onclick: async () => {
        if (!(await confirmDialog(`Delete ${u.email}?`, 'Their sessions end now.', { action: 'Delete', danger: true }))) return;
        if (await attempt('Delete', () => del(`/v1/users/${enc(u.id)}`))) location.reload();
      } }, 'Delete')];
  });
  return h('div', {}, h('h1', {}, 'Users'), form, table('Users', ['Email', 'Role', 'Sessions', '', ''], rows));
}

// ---------------------------------------------------------------- your account (every role)
export async function account(ctx) {
  const current = input({ type: 'password', name: 'current_password', required: true, autocomplete: 'current-password' });
  const next = input({ type: 'password', name: 'new_password', required: true, autocomplete: 'new-password', minlength: 12 });
  const again = input({ type: 'password', name: 'new_password_again', required: true, autocomplete: 'new-password', minlength: 12 });
  const status = h('p', { id: 'password-status', role: 'status' });
  const form = h('form', { id: 'password-form', onsubmit: async e => {
    e.preventDefault();
    if (next.value !== again.value) {
      status.textContent = 'The two new passwords differ.';
      again.focus();
      return;
    }
    const r = await attempt('Password', () => put('/v1/session/password', { current_password: current.value, new_password: next.value }));
    if (r) {
      form.reset();
      status.textContent = `Password changed; ${r.sessions} other session(s) signed out.`;
    }
  } }, field('Current password', current), field('New password', next, 'At least 12 characters'),
    field('New password again', again), h('button', { type: 'submit' }, 'Change password'), status);
  const everywhere = h('button', { type: 'button', class: 'danger', onclick: async () => {
    if (!(await confirmDialog('Sign out everywhere?', 'Every browser signed in as you, this one too, is signed out.',
      { action: 'Sign out everywhere', danger: true }))) return;
    if (await attempt('Sign out everywhere', () => del('/v1/sessions'))) window.dispatchEvent(new CustomEvent('jmdm:signed-out'));
  } }, 'Sign out everywhere');
  return h('div', {}, h('h1', {}, 'Your account'), h('p', {}, `${ctx.user.email}, ${ctx.user.role}`),
    section('Change password', form), section('Sessions', everywhere));
}
