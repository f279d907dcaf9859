// Small DOM helpers: elements, sortable tables, times. Text goes in as text (never as HTML), so
// ids and event data cannot inject markup.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

// Replaces a container's content. The views re-render on every refresh: a focused control with a
// data-key gets the focus back in the new content, so keyboard use survives the refresh.
export function show(id, ...nodes) {
  const container = document.getElementById(id);
  const focused = container.contains(document.activeElement)
    ? document.activeElement.getAttribute('data-key') : null;
  container.replaceChildren(...nodes);
  if (focused) container.querySelector(`[data-key="${CSS.escape(focused)}"]`)?.focus();
}

export function when(text) {
  if (!text) return '—';
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return text;
  return new Date(ms).toLocaleTimeString([], { hour12: false }) + ' (' + ago(ms) + ')';
}

export function ago(ms) {
  const seconds = Math.round((Date.now() - ms) / 1000);
  if (seconds < 0) return 'in ' + duration(-seconds);
  return duration(seconds) + ' ago';
}

export function duration(seconds) {
  if (seconds < 60) return seconds + ' s';
  if (seconds < 3600) return Math.floor(seconds / 60) + ' min ' + (seconds % 60) + ' s';
  return Math.floor(seconds / 3600) + ' h ' + Math.floor((seconds % 3600) / 60) + ' min';
}

export function facts(pairs) {
  return el('dl', {}, pairs.map(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]));
}

// A table with a caption; each column is {key, label, value(row) -> text or node, sort(row)}.
// Clicking (or Enter/Space on) a header button sorts by that column; the order is kept across
// refreshes in `state` ({key, descending}).
export function table(caption, columns, rows, state = null, rowAttributes = () => ({})) {
  rows = sortRows(columns, rows, state);
  const head = el('tr', {}, columns.map((c) => {
    const sorted = state && state.key === c.key;
    const label = state
      ? el('button', {
        type: 'button', class: 'sort', 'data-key': 'sort-' + c.key,
        onclick: () => {
          state.descending = state.key === c.key ? !state.descending : false;
          state.key = c.key;
          state.onchange();
        },
      }, c.label)
      : c.label;
    return el('th', {
      scope: 'col',
      'aria-sort': sorted ? (state.descending ? 'descending' : 'ascending') : null,
    }, label);
  }));
  const body = rows.map((row) => el('tr', rowAttributes(row), columns.map((c) => {
    const value = c.value ? c.value(row) : row[c.key];
    return el('td', {}, value === null || value === undefined ? '—' : value);
  })));
  return el('table', {}, el('caption', {}, caption), el('thead', {}, head),
    el('tbody', {}, body.length ? body : el('tr', {}, el('td', { colspan: columns.length }, 'none'))));
}

// `rows` in the order `state` ({key, descending}) asks for, by that column's sort key.
export function sortRows(columns, rows, state) {
  const column = state && state.key && columns.find((c) => c.key === state.key);
  if (!column) return rows;
  const keyOf = column.sort || ((row) => row[column.key]);
  return [...rows].sort((a, b) => compare(keyOf(a), keyOf(b)) * (state.descending ? -1 : 1));
}

function compare(a, b) {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a ?? '').localeCompare(String(b ?? ''), undefined, { numeric: true });
}

// Asks before an admin action; resolves true when the person confirms.
export function confirmAction(text) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  return new Promise((resolve) => {
    const ok = document.getElementById('confirm-ok');
    const cancel = document.getElementById('confirm-cancel');
    const finish = (answer) => {
      ok.onclick = null;
      cancel.onclick = null;
      dialog.onclose = null;
      if (dialog.open) dialog.close();
      resolve(answer);
    };
    ok.onclick = () => finish(true);
    cancel.onclick = () => finish(false);
    dialog.onclose = () => finish(false);  // Escape
    dialog.showModal();
    cancel.focus();
  });
}
