#include "http/console_page.hpp"

namespace ordo::http {

// One self-contained page: it polls the inspection routes every two seconds and renders tables.
// The page is served to anyone; a bearer token typed into it is kept in the tab's sessionStorage
// (gone when the tab closes) and sent as `Authorization: Bearer` with each call (the JSON routes
// need the viewer role when auth is on). A 401 or 403 says what to do instead of a bare status.
std::string_view console_page() {
  return R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ordo console</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 1.5em; color: #222; }
h1 { font-size: 1.3em; } h2 { font-size: 1.05em; margin-top: 1.5em; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: left; }
th { background: #f3f3f3; } #error { color: #b00; } code { background: #f3f3f3; }
</style>
</head>
<body>
<h1>ordo console</h1>
<p>Bearer token (if auth is on): <input id="token" type="password" size="30">
<button id="save">use</button> <span id="error"></span></p>
<h2>Node</h2><div id="node"></div>
<h2>Projections</h2><div id="projections"></div>
<h2>Live aggregates</h2><div id="aggregates"></div>
<h2>Cluster</h2><div id="cluster"></div>
<script>
const tokenInput = document.getElementById('token');
tokenInput.value = sessionStorage.getItem('ordo-token') || '';
document.getElementById('save').onclick = () => {
  sessionStorage.setItem('ordo-token', tokenInput.value); refresh();
};
async function get(path) {
  const headers = {};
  const token = sessionStorage.getItem('ordo-token');
  if (token) headers['Authorization'] = 'Bearer ' + token;
  const response = await fetch(path, { headers });
  if (response.status === 401)
    throw new Error(token ? 'the node does not know this token: type a viewer or admin token'
                          : 'auth is on: type a viewer or admin token above and press "use"');
  if (response.status === 403)
    throw new Error('this token may not inspect the node: it needs the viewer or admin role');
  if (!response.ok) throw new Error(path + ': ' + response.status);
  return response.json();
}
function cell(value) {
  const td = document.createElement('td');
  td.textContent = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return td;
}
function table(rows) {
  if (!rows.length) return document.createTextNode('none');
  const t = document.createElement('table');
  const head = t.insertRow();
  for (const key of Object.keys(rows[0])) {
    const th = document.createElement('th'); th.textContent = key; head.appendChild(th);
  }
  for (const row of rows) {
    const tr = t.insertRow();
    for (const key of Object.keys(rows[0])) tr.appendChild(cell(row[key]));
  }
  return t;
}
function show(id, node) { const el = document.getElementById(id); el.replaceChildren(node); }
async function refresh() {
  try {
    const node = await get('/v1/inspect/node');
    show('node', table(Object.entries(node).map(([key, value]) => ({ key, value }))));
    show('projections', table((await get('/v1/inspect/projections')).projections));
    show('aggregates', table((await get('/v1/inspect/aggregates?limit=50')).aggregates));
    show('cluster', table((await get('/v1/inspect/cluster')).nodes));
    document.getElementById('error').textContent = '';
  } catch (e) {
    document.getElementById('error').textContent = e.message;
  }
}
refresh();
setInterval(refresh, 2000);
</script>
</body>
</html>
)html";
}

}  // namespace ordo::http
