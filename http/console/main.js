// Wires the console: the token form, the refresh every two seconds, and #aggregate/type/id links.
import { ApiError, get, getJson, setToken, token } from './api.js';
import { AggregateView } from './aggregates.js';
import { History, drawChart, parseMetrics } from './charts.js';
import { SagaView, renderCluster, renderNode, renderProjections } from './views.js';

const refreshMs = 2000;
const history = new History();
const session = { role: null };

// The connection's state, rewritten on every refresh.
function showStatus(message, isError = false) {
  const status = document.getElementById('status');
  status.textContent = message;
  status.className = isError ? 'error' : '';
}

// An admin action's outcome: it stays until the next action.
function report(message, isError = false) {
  const outcome = document.getElementById('outcome');
  outcome.textContent = message;
  outcome.className = isError ? 'error' : 'done';
}

const aggregates = new AggregateView(session, report);
const sagas = new SagaView((type, id) => aggregates.show(type, id));

function drawCharts() {
  const points = history.points;
  drawChart(document.getElementById('chart-commands'), 'Commands', '/s', points, 'commands');
  drawChart(document.getElementById('chart-latency'), 'Command latency p99', 'ms', points, 'latencyMs');
  drawChart(document.getElementById('chart-events'), 'Events appended', '/s', points, 'events');
  drawChart(document.getElementById('chart-lag'), 'Projection lag (most behind)', 'events', points, 'lag');
}

// Every view is read on each refresh; one that fails does not stop the others, and a 401/403
// is said once in the status line.
async function refresh() {
  const problems = [];
  const attempt = async (work) => {
    try {
      await work();
    } catch (e) {
      problems.push(e);
    }
  };
  await attempt(async () => {
    session.role = null;  // no admin buttons unless this token is an admin's
    session.role = (await getJson('/v1/inspect/session')).role;
  });
  await attempt(async () => {
    history.add(parseMetrics(await (await get('/metrics')).text()));
    drawCharts();
  });
  await Promise.all([
    attempt(async () => renderNode(await getJson('/v1/inspect/node'), history)),
    attempt(async () => renderCluster(await getJson('/v1/inspect/cluster'),
      (id) => getJson('/v1/inspect/node?member=' + encodeURIComponent(id)).catch(() => null))),
    attempt(async () => aggregates.updateList((await getJson('/v1/inspect/aggregates?limit=1000')).aggregates)),
    attempt(async () => sagas.update((await getJson(sagas.query())).sagas)),
    attempt(async () => renderProjections((await getJson('/v1/inspect/projections')).projections,
      session, report, refresh)),
    attempt(() => aggregates.refresh()),
  ]);
  const denied = problems.find((e) => e instanceof ApiError && (e.status === 401 || e.status === 403));
  const shown = denied || problems[0];
  if (shown) showStatus(shown.message, true);
  else showStatus(`Connected${session.role ? ' as ' + session.role : ''}.`);
  document.body.dataset.refreshed = String(Number(document.body.dataset.refreshed || 0) + 1);
}

function openFromAddress() {
  const match = /^#aggregate\/(order|stock|payment|saga)\/(.+)$/.exec(location.hash);
  if (match) aggregates.show(match[1], decodeURIComponent(match[2]), false);
}

document.getElementById('token').value = token();
document.getElementById('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  setToken(document.getElementById('token').value.trim());
  refresh();
});
document.getElementById('forget').addEventListener('click', () => {
  setToken('');
  document.getElementById('token').value = '';
  session.role = null;
  refresh();
});
window.addEventListener('hashchange', openFromAddress);

let timer = null;
function schedule() {
  clearTimeout(timer);
  // A hidden tab does not poll; it catches up when shown again.
  if (!document.hidden) timer = setTimeout(async () => { await refresh(); schedule(); }, refreshMs);
}
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) refresh();
  schedule();
});
openFromAddress();
refresh().then(schedule);
