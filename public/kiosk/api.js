/* global sessionStorage, fetch, FormData */
// The session (tokens kept for the tab) and calls to the API with the access token, refreshed once on 401.
import { state } from './page.js';

const API = '/api/v1';
const SESSION_KEY = 'facegate.kiosk.session';

/** An API error as the page shows it: `{ status, error, message, details }`. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    Object.assign(this, { status, error: body?.error ?? 'http_error', details: body?.details });
  }
}

/** Called when the session cannot be refreshed (set by the page). */
export const session = { ended: () => undefined };

export function loadSession() {
  try {
    state.session = JSON.parse(sessionStorage.getItem(SESSION_KEY));
  } catch {
    state.session = null;
  }
  return state.session;
}

export function saveSession(pair) {
  state.session = pair;
  if (pair) sessionStorage.setItem(SESSION_KEY, JSON.stringify(pair));
  else sessionStorage.removeItem(SESSION_KEY);
}

/** POST without a token (login, refresh, logout). */
export async function post(path, body) {
  const response = await fetch(`${API}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
}

let refreshing = null;
/** Trades the refresh token for a new pair; one refresh at a time. */
export function refresh() {
  refreshing ??= post('/auth/refresh', { refresh_token: state.session?.refresh_token })
    .then((pair) => saveSession(pair))
    .finally(() => (refreshing = null));
  return refreshing;
}

/** Calls the API with the access token (a JSON or FormData body); refreshes it once on 401. */
export async function api(method, path, body, retried = false) {
  const headers = { Authorization: `Bearer ${state.session?.access_token}` };
  const form = body instanceof FormData;
  if (body !== undefined && !form) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${API}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : form ? body : JSON.stringify(body),
  });
  if (response.status === 401 && !retried) {
    try {
      await refresh();
    } catch {
      session.ended('Your session has ended; log in again.');
      throw new ApiError(401, { message: 'Your session has ended' });
    }
    return api(method, path, body, true);
  }
  if (response.status === 204) return null;
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
}
