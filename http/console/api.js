// Calls to the node: the bearer token typed into the page (kept in this tab's sessionStorage,
// gone when the tab closes) goes with every call; 401 and 403 become messages a person can act on.
const tokenKey = 'ordo-token';

export function token() {
  return sessionStorage.getItem(tokenKey) || '';
}

export function setToken(value) {
  if (value) sessionStorage.setItem(tokenKey, value);
  else sessionStorage.removeItem(tokenKey);
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function headers(extra) {
  const all = { ...extra };
  if (token()) all.Authorization = 'Bearer ' + token();
  return all;
}

async function explain(response, path) {
  if (response.status === 401) {
    return new ApiError(401, token()
      ? 'The node does not know this token: enter a viewer or admin token above.'
      : 'Auth is on: enter a viewer or admin token above and press Use.');
  }
  if (response.status === 403) {
    return new ApiError(403, 'This token may not do that: inspecting needs the viewer or admin ' +
      'role, admin actions the admin role.');
  }
  let detail = '';
  try {
    detail = (await response.json()).detail || '';
  } catch {
    // Not problem+json: the status says enough.
  }
  return new ApiError(response.status, `${path}: ${response.status} ${detail}`.trim());
}

export async function get(path) {
  const response = await fetch(path, { headers: headers({}), cache: 'no-store' });
  if (!response.ok) throw await explain(response, path);
  return response;
}

export async function getJson(path) {
  return (await get(path)).json();
}

export async function post(path) {
  const response = await fetch(path, {
    method: 'POST',
    headers: headers({ 'Content-Type': 'application/json' }),
    body: '{}',
  });
  if (!response.ok) throw await explain(response, path);
  return response.json();
}
