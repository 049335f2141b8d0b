// Charts as inline SVG, drawn from counts; no library. Each chart carries a text alternative (role="img", aria-label)
// and a visible legend with the numbers, so nothing is said by colour alone.
const NS = 'http://www.w3.org/2000/svg';
const COLORS = ['#1f5fbf', '#2e9e5b', '#d9822b', '#c23b3b', '#7a4fbf', '#2aa1b3', '#8a8a8a', '#b3a12a', '#bf4f8f', '#4f6fbf', '#6b8e23', '#a0522d', '#555'];

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** Horizontal bars: [{name, value}]. */
export function bars(title, items, { color } = {}) {
  const rowH = 22, labelW = 150, width = 520, max = Math.max(1, ...items.map(i => i.value));
  const height = Math.max(rowH, items.length * rowH);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img',
    'aria-label': `${title}: ${items.map(i => `${i.name} ${i.value}`).join(', ') || 'no data'}` });
  items.forEach((item, n) => {
    const y = n * rowH;
    const w = Math.round((width - labelW - 60) * item.value / max);
    svg.append(s('text', { x: labelW - 6, y: y + 15, 'text-anchor': 'end', class: 'label' }, item.name));
    svg.append(s('rect', { x: labelW, y: y + 4, width: Math.max(w, item.value ? 2 : 0), height: rowH - 8, fill: color || COLORS[n % COLORS.length], rx: 2 }));
    svg.append(s('text', { x: labelW + w + 6, y: y + 15, class: 'value' }, item.value));
  });
  return svg;
}

/** One stacked bar with a legend: a rollout's pending / verifying / verified / failed. */
export function stacked(title, items, palette = {}) {
  const total = items.reduce((a, i) => a + i.value, 0);
  const width = 520, height = 24;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height + 22}`, class: 'chart stacked', role: 'img',
    'aria-label': `${title}: ${items.map(i => `${i.name} ${i.value}`).join(', ')}` });
  let x = 0;
  items.forEach((item, n) => {
    const w = total ? width * item.value / total : 0;
    const fill = palette[item.name] || COLORS[n % COLORS.length];
    if (w > 0) svg.append(s('rect', { x, y: 0, width: w, height, fill }));
    x += w;
  });
  if (!total) svg.append(s('rect', { x: 0, y: 0, width, height, fill: '#e5e7eb' }));
  let lx = 0;
  items.forEach((item, n) => {
    const fill = palette[item.name] || COLORS[n % COLORS.length];
    svg.append(s('rect', { x: lx, y: height + 8, width: 10, height: 10, fill }));
    const label = `${item.name} ${item.value}`;
    svg.append(s('text', { x: lx + 14, y: height + 17, class: 'label' }, label));
    lx += 24 + label.length * 7;
  });
  return svg;
}

/** A line of percentages over time: compliance's hourly points. */
export function line(title, points) {
  const width = 520, height = 120;
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img',
    'aria-label': `${title}: ${points.length} points, last ${points.length ? points[points.length - 1].value + '%' : 'none'}` });
  if (points.length < 2) return svg;
  const step = width / (points.length - 1);
  const d = points.map((p, n) => `${n ? 'L' : 'M'}${(n * step).toFixed(1)},${(height - 4 - (height - 8) * p.value / 100).toFixed(1)}`).join('');
  svg.append(s('path', { d, fill: 'none', stroke: COLORS[1], 'stroke-width': 2 }));
  return svg;
}

export const ROLLOUT_COLORS = { pending: '#8a8a8a', verifying: '#d9822b', verified: '#2e9e5b', failed: '#c23b3b' };
