// Throughput and latency over time, from /metrics: each refresh turns the counters' growth since
// the previous one into rates, kept for the last five minutes and drawn as inline SVG.
import { el } from './dom.js';

const keptMs = 5 * 60 * 1000;
const svgNs = 'http://www.w3.org/2000/svg';

// Prometheus text -> [{name, labels, value}].
export function parseMetrics(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels = {};
    for (const [, name, value] of (match[3] || '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[name] = value;
    }
    samples.push({ name: match[1], labels, value: Number(match[4]) });
  }
  return samples;
}

function total(samples, name) {
  return samples.filter((s) => s.name === name).reduce((sum, s) => sum + s.value, 0);
}

function buckets(samples, name) {
  return samples.filter((s) => s.name === name + '_bucket')
    .map((s) => ({ le: s.labels.le === '+Inf' ? Infinity : Number(s.labels.le), count: s.value }))
    .sort((a, b) => a.le - b.le);
}

// The 99th percentile's bucket bound over what was observed between two scrapes; null if nothing.
function p99(before, after) {
  const grown = after.map((b, i) => ({ le: b.le, count: b.count - (before[i]?.count || 0) }));
  const count = grown.length ? grown[grown.length - 1].count : 0;
  if (count <= 0) return null;
  const bucket = grown.find((b) => b.count >= 0.99 * count);
  if (!bucket) return null;
  // Above the last finite bound nothing more precise is known: show that bound.
  if (bucket.le === Infinity) return grown.length > 1 ? grown[grown.length - 2].le : null;
  return bucket.le;
}

export class History {
  constructor() {
    this.points = [];  // {at, commands, latencyMs, events, lag}
    this.previous = null;
  }

  add(samples, at = Date.now()) {
    const now = {
      at,
      commands: total(samples, 'ordo_commands_total'),
      events: total(samples, 'ordo_events_appended_total'),
      durations: buckets(samples, 'ordo_command_duration_seconds'),
      lag: Math.max(0, ...samples.filter((s) => s.name === 'ordo_projection_lag_events')
        .map((s) => s.value)),
    };
    const before = this.previous;
    this.previous = now;
    if (!before || now.at <= before.at) return;
    const seconds = (now.at - before.at) / 1000;
    const latency = p99(before.durations, now.durations);
    this.points.push({
      at,
      commands: Math.max(0, now.commands - before.commands) / seconds,
      latencyMs: latency === null ? null : latency * 1000,
      events: Math.max(0, now.events - before.events) / seconds,
      lag: now.lag,
    });
    while (this.points.length && this.points[0].at < at - keptMs) this.points.shift();
  }
}

function svg(tag, attributes) {
  const node = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

function format(value, unit) {
  if (value === null || value === undefined) return '—';
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return value.toFixed(digits) + (unit ? ' ' + unit : '');
}

// One chart: the series `key` of the history's points, its latest value in the caption.
export function drawChart(figure, title, unit, points, key) {
  const width = 300;
  const height = 90;
  const values = points.map((p) => p[key]);
  const known = values.filter((v) => v !== null);
  const top = Math.max(1, ...known) * 1.1;
  const now = points.length ? points[points.length - 1].at : Date.now();
  // The x axis spans what is known, from a minute up to the five minutes kept.
  const span = Math.min(keptMs, Math.max(60 * 1000, points.length ? now - points[0].at : 0));
  const x = (at) => width - ((now - at) / span) * width;
  const y = (v) => height - (v / top) * height;
  const chart = svg('svg', {
    viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'chart',
    'aria-label': `${title}: latest ${format(known[known.length - 1], unit)}, ` +
      `highest ${format(known.length ? Math.max(...known) : null, unit)}`,
  });
  chart.append(svg('line', { x1: 0, y1: height, x2: width, y2: height, class: 'axis' }));
  // Gaps (no commands, so no latency) split the line.
  let run = [];
  const flush = () => {
    if (run.length) chart.append(svg('polyline', { points: run.join(' '), class: 'series' }));
    run = [];
  };
  points.forEach((p, i) => {
    if (values[i] === null) flush();
    else run.push(`${x(p.at).toFixed(1)},${y(values[i]).toFixed(1)}`);
  });
  flush();
  const scale = svg('text', { x: 2, y: 10, class: 'scale' });
  scale.textContent = format(top, unit);
  chart.append(scale);
  figure.replaceChildren(
    el('figcaption', {}, el('span', {}, title), ' ',
      el('strong', { class: 'latest' }, format(known[known.length - 1], unit))),
    chart);
}
