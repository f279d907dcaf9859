// The node and cluster, projections and sagas sections.
import { post } from './api.js';
import { confirmAction, duration, el, facts, show, sortRows, table, when } from './dom.js';

const listedSagas = 200;

export function renderNode(node, history) {
  const latest = history.points[history.points.length - 1];
  document.getElementById('node-name').textContent = '— ' + node.node_id;
  show('node-facts', facts([
    ['node', node.node_id],
    ['up for', duration(node.uptime_seconds)],
    ['live aggregates', node.aggregates_live],
    ['passivated', node.aggregates_passivated],
    ['mailbox messages', node.mailboxes.messages],
    ['pending commands', node.mailboxes.pending_commands],
    ['requests in flight', `${node.gateway.in_flight} of ${node.gateway.max_in_flight}`],
    ['journal position', node.journal.last_position],
    ['journal writes', latest ? latest.events.toFixed(1) + ' events/s' : '—'],
    ['journal sync', node.journal.sync],
    ['failed batches', node.journal.failed_batches],
    ['data', node.data_dir],
  ]));
}

// Shards as ranges: [0,1,2,5] -> "0–2, 5".
function ranges(shards) {
  const sorted = [...shards].sort((a, b) => a - b);
  const parts = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}–${sorted[j]}`);
    i = j;
  }
  return parts.join(', ');
}

// Each member's journal position as last seen, for its write rate between two refreshes.
const lastSeen = new Map();

function writeRate(id, info) {
  if (!info) return '—';
  const now = Date.now();
  const before = lastSeen.get(id);
  lastSeen.set(id, { at: now, position: info.journal.last_position });
  if (!before || now <= before.at) return '—';
  return ((info.journal.last_position - before.position) * 1000 / (now - before.at)).toFixed(1) + '/s';
}

// `nodeOf(id)` answers a member's /v1/inspect/node (asked through this node), or null.
export async function renderCluster(cluster, nodeOf) {
  const members = [{ id: cluster.node, address: '', http: location.origin, state: 'up', self: true },
    ...cluster.nodes];
  const infos = await Promise.all(members.map((n) => (n.state === 'up' ? nodeOf(n.id) : null)));
  members.forEach((n, i) => { n.info = infos[i]; n.rate = writeRate(n.id, infos[i]); });
  const figure = (get) => (n) => (n.info ? get(n.info) : '—');
  show('cluster-nodes', table('Members', [
    { key: 'id', label: 'node', value: (n) => (n.self ? `${n.id} (this node)` : `${n.id} (${n.address})`) },
    { key: 'state', label: 'state', value: (n) => el('span', { class: 'state-' + n.state }, n.state) },
    { key: 'since', label: 'since', value: (n) => (n.self ? '—' : when(n.since)) },
    { key: 'uptime', label: 'up for', value: figure((i) => duration(i.uptime_seconds)) },
    { key: 'live', label: 'live aggregates', value: figure((i) => i.aggregates_live) },
    { key: 'mailboxes', label: 'mailbox messages', value: figure((i) => i.mailboxes.messages) },
    { key: 'position', label: 'journal position', value: figure((i) => i.journal.last_position) },
    { key: 'rate', label: 'journal writes', value: (n) => n.rate },
    { key: 'http', label: 'console', value: (n) => (n.http && !n.self
      ? el('a', { href: n.http.replace(/\/$/, '') + '/console' }, n.http) : '—') },
    { key: 'in_flight', label: 'forwarded, unanswered', value: (n) => n.in_flight ?? '—' },
  ], members));
  const owners = Object.entries(cluster.owners).map(([id, shards]) => ({ id, shards }));
  show('cluster-shards', table(`Shard → owner (${cluster.shards} shards)`, [
    { key: 'id', label: 'owner' },
    { key: 'count', label: 'shards', value: (o) => o.shards.length },
    { key: 'ranges', label: 'which', value: (o) => ranges(o.shards) },
  ], owners));
}

export function renderProjections(list, session, report, refresh) {
  const columns = [
    { key: 'name', label: 'projection' },
    { key: 'status', label: 'status', value: (p) => el('span', { class: 'state-' + p.status }, p.status) },
    { key: 'position', label: 'position' },
    { key: 'lag_events', label: 'lag (events)' },
    { key: 'lag_ms', label: 'lag (ms)' },
    { key: 'apply_delay_p99_ms', label: 'apply delay p99 (ms)' },
    { key: 'last_error', label: 'last error', value: (p) => p.last_error || '—' },
    { key: 'retrying', label: 'retrying', value: (p) => (p.retrying?.length ? p.retrying.join('\n') : '—') },
  ];
  if (session.role === 'admin') {
    columns.push({
      key: 'actions', label: 'actions', value: (p) => el('button', {
        type: 'button', 'data-key': 'rebuild-' + p.name,
        onclick: async () => {
          if (!await confirmAction(`Rebuild the projection ${p.name} from the journal?`)) return;
          try {
            const answer = await post(`/v1/admin/projections/${encodeURIComponent(p.name)}/rebuild`);
            report(`Projection ${answer.projection}: ${answer.status}.`);
          } catch (e) {
            report(`Rebuild of ${p.name} failed: ${e.message}`, true);
          }
          refresh();
        },
      }, 'Rebuild'),
    });
  }
  show('projection-list', table('Projections', columns, list));
}

export class SagaView {
  constructor(openAggregate) {
    this.openAggregate = openAggregate;
    this.sort = { key: 'started_at', descending: true, onchange: () => this.render() };
    this.sagas = [];
    for (const id of ['saga-status', 'saga-step', 'saga-search', 'saga-stuck-after']) {
      document.getElementById(id).addEventListener('input', () => this.render());
    }
    document.getElementById('saga-filter').addEventListener('submit', (e) => e.preventDefault());
  }

  // The route filters by status (the 1000 it lists are then all of that status).
  query() {
    const status = document.getElementById('saga-status').value;
    return '/v1/inspect/sagas?limit=1000' + (status ? '&status=' + status : '');
  }

  update(sagas) {
    this.sagas = sagas;
    const select = document.getElementById('saga-step');
    const steps = [...new Set(sagas.map((s) => s.step))].sort();
    const known = [...select.options].map((o) => o.value);
    for (const step of steps) if (!known.includes(step)) select.append(el('option', {}, step));
    this.render();
  }

  // Overdue: active past its step's deadline (the deadline should have moved it on). Stuck:
  // active for longer than the threshold typed into the page.
  flags(saga) {
    if (saga.status !== 'active') return [];
    const flags = [];
    const now = Date.now();
    if (saga.deadline && Date.parse(saga.deadline) < now) flags.push('overdue');
    const stuckAfter = Number(document.getElementById('saga-stuck-after').value) || 30;
    if (saga.started_at && now - Date.parse(saga.started_at) > stuckAfter * 1000) flags.push('stuck');
    return flags;
  }

  render() {
    const status = document.getElementById('saga-status').value;
    const step = document.getElementById('saga-step').value;
    const search = document.getElementById('saga-search').value.trim();
    // Status here too, so a change shows at once (the next refresh asks the node for it).
    const matching = this.sagas.filter((s) => (!status || s.status === status) &&
      (!step || s.step === step) && (!search || s.order_id.includes(search)));
    const columns = [
      {
        key: 'order_id', label: 'order',
        value: (s) => this.orderButton(s, 'saga-' + s.saga_id),
      },
      { key: 'status', label: 'status' },
      { key: 'step', label: 'step' },
      { key: 'outcome', label: 'outcome' },
      { key: 'deadline', label: 'deadline', value: (s) => when(s.deadline) },
      { key: 'started_at', label: 'started', value: (s) => when(s.started_at) },
      {
        key: 'flags', label: 'attention', sort: (s) => this.flags(s).join(' '),
        value: (s) => this.flags(s).map((f) => el('span', { class: 'flag' }, f)),
      },
    ];
    const shown = sortRows(columns, matching, this.sort).slice(0, listedSagas);
    // The ones that need a look, named above the table whatever its order and length.
    const attention = matching.filter((s) => this.flags(s).length);
    const summary = attention.length
      ? el('p', { class: 'attention-summary' }, `${attention.length} need attention: `,
        attention.slice(0, 20).map((s) => [this.orderButton(s, 'attention-' + s.saga_id),
          ` (${this.flags(s).join(', ')}) `]))
      : el('p', {}, 'No saga is overdue or stuck.');
    const caption = matching.length > shown.length
      ? `Sagas (first ${shown.length} of ${matching.length} matching)`
      : `Sagas (${shown.length} of ${this.sagas.length})`;
    show('saga-list', summary, table(caption, columns, shown, this.sort, (s) => ({
      class: this.flags(s).length ? 'attention' : null,
      'data-saga': s.saga_id,
    })));
  }

  orderButton(saga, key) {
    return el('button', {
      type: 'button', class: 'link', 'data-key': key,
      onclick: () => this.openAggregate('order', saga.order_id),
    }, saga.order_id);
  }
}
