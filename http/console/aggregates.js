// The live aggregates list and the detail pane of one aggregate: its state, its events as a
// paged timeline, its snapshots, and for an order its saga (state and steps).
import { getJson, post } from './api.js';
import { ago, confirmAction, el, facts, show, sortRows, table, when } from './dom.js';

const pageSize = 20;
const listedRows = 100;

// A value shown without JSON: objects as term/value lists, arrays of objects as tables.
export function valueView(value) {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) {
    if (!value.length) return 'none';
    if (value.every((v) => v && typeof v === 'object' && !Array.isArray(v))) {
      const keys = [...new Set(value.flatMap((v) => Object.keys(v)))];
      return el('table', { class: 'nested' },
        el('thead', {}, el('tr', {}, keys.map((k) => el('th', { scope: 'col' }, k)))),
        el('tbody', {}, value.map((v) => el('tr', {}, keys.map((k) => el('td', {}, valueView(v[k])))))));
    }
    return value.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ');
  }
  if (typeof value === 'object') {
    return facts(Object.entries(value).map(([k, v]) => [k, valueView(v)]));
  }
  return String(value);
}

// A value on one line: "sku: s1, quantity: 2"; arrays of objects as "{...}; {...}".
function inlineText(value) {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'object' ? `{${inlineText(v)}}` : String(v))).join('; ');
  if (typeof value === 'object') {
    return Object.entries(value).map(([k, v]) => `${k}: ${inlineText(v)}`).join(', ');
  }
  return String(value);
}

// An id cut to its first 8 characters, whole in the tooltip.
function shortId(id) {
  if (!id) return '—';
  return el('span', { title: id }, id.length > 12 ? id.slice(0, 8) + '…' : id);
}

function path(type, id) {
  return `/v1/inspect/aggregates/${encodeURIComponent(type)}/${encodeURIComponent(id)}`;
}

function eventsTable(caption, events) {
  return table(caption, [
    { key: 'version', label: 'version' },
    { key: 'timestamp', label: 'time', value: (e) => el('time', { datetime: e.timestamp, title: when(e.timestamp) }, e.timestamp.slice(11, 23)) },
    { key: 'type', label: 'event', value: (e) => el('span', { class: 'event-type' }, e.type) },
    { key: 'data', label: 'data', value: (e) => el('span', { class: 'event-data' }, inlineText(e.data)) },
    { key: 'correlation_id', label: 'correlation', value: (e) => shortId(e.correlation_id) },
    { key: 'causation_id', label: 'causation', value: (e) => shortId(e.causation_id) },
  ], events, null, (e) => ({ 'data-version': e.version }));
}

export class AggregateView {
  constructor(session, report) {
    this.session = session;
    this.report = report;
    this.sort = { key: 'last_active', descending: true, onchange: () => this.renderList() };
    this.list = [];
    this.open = null;  // {type, id, from (null: the latest page)}
    document.getElementById('aggregate-search').addEventListener('input', () => this.renderList());
    document.getElementById('aggregate-type').addEventListener('input', () => this.renderList());
    document.getElementById('aggregate-filter').addEventListener('submit', (e) => e.preventDefault());
    document.getElementById('aggregate-open').addEventListener('submit', (e) => {
      e.preventDefault();
      this.show(document.getElementById('open-type').value, document.getElementById('open-id').value.trim());
    });
  }

  updateList(list) {
    this.list = list;
    this.renderList();
  }

  renderList() {
    const type = document.getElementById('aggregate-type').value;
    const search = document.getElementById('aggregate-search').value.trim();
    const columns = [
      { key: 'type', label: 'type' },
      {
        key: 'id', label: 'id', value: (a) => el('button', {
          type: 'button', class: 'link', 'data-key': `open-${a.type}-${a.id}`,
          onclick: () => this.show(a.type, a.id),
        }, a.id),
      },
      { key: 'version', label: 'version' },
      { key: 'mailbox_size', label: 'mailbox' },
      {
        key: 'last_active', label: 'last active',
        value: (a) => el('time', { datetime: a.last_active, title: a.last_active }, ago(Date.parse(a.last_active))),
      },
      { key: 'last_snapshot_version', label: 'last snapshot' },
    ];
    const matching = this.list.filter((a) => (!type || a.type === type) &&
      (!search || a.id.includes(search) || a.type.includes(search)));
    // The first rows in the chosen order; the search finds the others.
    const shown = sortRows(columns, matching, this.sort).slice(0, listedRows);
    const caption = matching.length > shown.length
      ? `Live aggregates (first ${shown.length} of ${matching.length} matching; search for more)`
      : `Live aggregates (${shown.length} of ${this.list.length})`;
    show('aggregate-list', table(caption, columns, shown, this.sort, (a) => ({
      class: this.open && this.open.type === a.type && this.open.id === a.id ? 'selected' : null,
    })));
  }

  // `focus`: move the keyboard focus to the pane (a person chose it; not on a page load).
  async show(type, id, focus = true) {
    this.open = { type, id, from: null };
    history.replaceState(null, '', `#aggregate/${type}/${encodeURIComponent(id)}`);
    await this.refresh();
    this.renderList();
    if (focus) document.getElementById('aggregate-detail').focus();
  }

  async page(from) {
    this.open.from = from;
    await this.refresh();
  }

  // Re-reads the open aggregate; a page other than the latest stays where it is.
  async refresh() {
    if (!this.open) return;
    const { type, id } = this.open;
    try {
      const [info, snapshots] = await Promise.all([getJson(path(type, id)),
        getJson(path(type, id) + '/snapshots')]);
      const from = this.open.from ?? Math.max(1, info.version - pageSize + 1);
      const events = await getJson(`${path(type, id)}/events?from=${from}&limit=${pageSize}`);
      const saga = type === 'order' ? await this.saga(id) : null;
      if (!this.open || this.open.type !== type || this.open.id !== id) return;
      this.render(info, snapshots.snapshots, events, from, saga);
    } catch (e) {
      show('aggregate-detail', el('h3', {}, `${type} ${id}`), el('p', { class: 'error' }, e.message));
    }
  }

  async saga(orderId) {
    try {
      const state = await getJson(path('saga', orderId));
      const steps = await getJson(`${path('saga', orderId)}/events?from=1&limit=100`);
      return { state, events: steps.events };
    } catch (e) {
      if (e.status === 404) return null;  // not placed yet: no saga
      throw e;
    }
  }

  render(info, snapshots, events, from, saga) {
    const { type, id } = this.open;
    const pager = el('div', { class: 'pager' },
      el('button', { type: 'button', disabled: from <= 1, onclick: () => this.page(Math.max(1, from - pageSize)) }, 'Older'),
      ` events ${events.events.length ? `${events.events[0].version}–${events.events[events.events.length - 1].version}` : 'none'} of ${events.highest_version} `,
      el('button', { type: 'button', disabled: events.next === null, onclick: () => this.page(events.next) }, 'Newer'),
      el('button', { type: 'button', disabled: this.open.from === null, onclick: () => this.page(null) }, 'Latest'));
    const parts = [
      el('h3', {}, `${type} ${id}`),
      facts([['version', info.version], ['mailbox', info.mailbox_size],
        ['pending commands', info.pending_commands], ['last active', when(info.last_active)]]),
      this.adminButtons(type, id),
      el('h4', {}, 'State'), valueView(info.state),
    ];
    // An order's saga right below its state: where the order stands in its fulfillment.
    if (type === 'order') {
      parts.push(el('h4', {}, 'Saga'));
      if (!saga) {
        parts.push(el('p', {}, 'No saga yet: it starts when the order is placed.'));
      } else {
        const s = saga.state.state;
        parts.push(facts([['status', s.status], ['step', s.step], ['outcome', s.outcome || '—'],
          ['deadline', when(s.deadline)], ['payment', s.payment_status || '—'],
          ['started', when(s.started_at)]]),
        el('button', { type: 'button', class: 'link', onclick: () => this.show('saga', id) }, 'open the saga'));
      }
    }
    parts.push(
      el('h4', {}, 'Events'), pager, eventsTable(`Events of ${type} ${id}`, events.events),
      el('h4', {}, 'Snapshots'),
      table(`Snapshots of ${type} ${id}`, [
        { key: 'version', label: 'version' }, { key: 'schema', label: 'schema' },
        { key: 'taken_at', label: 'taken', value: (s) => when(s.taken_at) },
        { key: 'bytes', label: 'bytes' }], snapshots));
    if (saga) {
      parts.push(el('h4', {}, 'Saga steps'), eventsTable(`Steps of the saga of order ${id}`, saga.events));
    }
    show('aggregate-detail', ...parts);
  }

  adminButtons(type, id) {
    if (this.session.role !== 'admin') return null;
    const action = (name, question) => el('button', {
      type: 'button',
      onclick: async () => {
        if (!await confirmAction(question)) return;
        try {
          const answer = await post(`/v1/admin/aggregates/${type}/${encodeURIComponent(id)}/${name}`);
          this.report(name === 'snapshot'
            ? `Snapshot of ${type} ${id} taken at version ${answer.snapshot_version}.`
            : `${type} ${id} ${answer.passivated ? 'passivated' : 'was not live'}.`);
        } catch (e) {
          this.report(`${name} of ${type} ${id} failed: ${e.message}`, true);
        }
        this.refresh();
      },
    }, name === 'snapshot' ? 'Snapshot' : 'Passivate');
    return el('p', { class: 'actions' },
      action('snapshot', `Write a snapshot of ${type} ${id} now?`),
      ' ', action('passivate', `Passivate ${type} ${id} (stop its actor until the next command)?`));
  }
}
