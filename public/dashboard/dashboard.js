/* global io, document, sessionStorage, fetch */
// FaceGate live dashboard. Logs in through the API, lists the cameras, and shows the organisation's live events
// from the Socket.IO namespace /events. No build step; it uses only the public API and the socket, like any client.

const API = '/api/v1';
const FEED_LIMIT = 50;
const SESSION_KEY = 'facegate.dashboard.session';
const $ = (id) => document.getElementById(id);

const state = { session: loadSession(), socket: null, cameras: new Map(), endReason: null };

function loadSession() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY));
  } catch {
    return null;
  }
}

function saveSession(session) {
  state.session = session;
  if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(SESSION_KEY);
}

async function post(path, body) {
  const response = await fetch(`${API}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(answer.message ?? `HTTP ${response.status}`), { answer });
  return answer;
}

let refreshing = null;
/** Trades the refresh token for a new pair; one refresh at a time. */
function refresh() {
  refreshing ??= post('/auth/refresh', { refresh_token: state.session?.refresh_token })
    .then((pair) => saveSession(pair))
    .finally(() => (refreshing = null));
  return refreshing;
}

/** GET with the access token; refreshes it once on 401. */
async function api(path, retried = false) {
  const response = await fetch(`${API}${path}`, {
    headers: { Authorization: `Bearer ${state.session?.access_token}` },
  });
  if (response.status !== 401 || retried) return response;
  try {
    await refresh();
  } catch {
    endSession('Your session has ended; log in again.');
    return response;
  }
  return api(path, true);
}

function setConnection(connectionState) {
  const element = $('connection');
  element.dataset.state = connectionState;
  element.textContent = connectionState;
}

// Cameras

async function loadCameras() {
  const response = await api('/cameras?page_size=100');
  if (response.status === 404) return note('No camera list on this server yet: cameras appear here as they report.');
  if (response.status === 403) return note('Your role may not list cameras.');
  if (!response.ok) return note(`The cameras could not be loaded (HTTP ${response.status}).`);
  const page = await response.json();
  for (const camera of page.results ?? []) {
    state.cameras.set(camera.id, { name: camera.name, status: camera.status ?? 'offline' });
  }
  if (state.cameras.size === 0) note('No cameras yet.');
  renderCameras();
}

function note(text) {
  $('cameras-note').textContent = text;
}

function renderCameras() {
  const items = [...state.cameras.entries()].map(([id, camera]) => {
    const item = document.createElement('li');
    item.dataset.cameraId = id;
    const name = document.createElement('span');
    name.textContent = camera.name;
    const status = document.createElement('span');
    status.className = 'status';
    status.dataset.state = camera.status;
    status.textContent = camera.status;
    item.append(name, status);
    return item;
  });
  $('cameras').replaceChildren(...items);
}

const cameraName = (id) => state.cameras.get(id)?.name ?? `camera ${id.slice(0, 8)}`;

// Feed

function addCard(list, { name, meta, thumbnailUrl, anomaly }) {
  const item = document.createElement('li');
  if (anomaly) item.classList.add('anomaly');
  const image = document.createElement('img');
  image.alt = '';
  const title = document.createElement('div');
  title.className = 'name';
  title.textContent = name;
  const details = document.createElement('div');
  details.className = 'meta';
  details.textContent = meta;
  const text = document.createElement('div');
  text.append(title, details);
  item.append(image, text);
  list.prepend(item);
  while (list.children.length > FEED_LIMIT) dropCard(list.lastElementChild);
  if (thumbnailUrl) void showThumbnail(image, thumbnailUrl);
}

/** Photos need the bearer token, so they are fetched and shown as blob URLs (freed when the card goes). */
async function showThumbnail(image, url) {
  if (!url.startsWith(`${API}/`)) return;
  const response = await api(url.slice(API.length));
  if (!response.ok || !image.isConnected) return;
  const objectUrl = URL.createObjectURL(await response.blob());
  image.dataset.objectUrl = objectUrl;
  image.alt = `Face of ${image.closest('li')?.querySelector('.name')?.textContent ?? 'the person'}`;
  image.src = objectUrl;
}

function dropCard(item) {
  const objectUrl = item.querySelector('img')?.dataset.objectUrl;
  if (objectUrl) URL.revokeObjectURL(objectUrl);
  item.remove();
}

const timeOf = (iso) => new Date(iso).toLocaleTimeString();
const percent = (value) => (typeof value === 'number' ? ` · ${Math.round(value * 100)}%` : '');

function showRecognition(event) {
  for (const detection of event.detections.filter((face) => face.matched)) {
    const code = detection.person_code ? `${detection.person_code} · ` : '';
    const anomaly = detection.is_anomaly ? ` · ${detection.anomaly_reason}` : '';
    addCard($('feed'), {
      name: detection.person_name ?? 'Unnamed person',
      meta: `${code}${cameraName(event.camera_id)} · ${timeOf(event.frame_time)}${percent(detection.match_confidence)}${anomaly}`,
      thumbnailUrl: detection.thumbnail_url,
      anomaly: detection.is_anomaly,
    });
  }
}

function showUnknown(event) {
  addCard($('unknown'), {
    name: 'Unknown face',
    meta: `${cameraName(event.camera_id)} · ${timeOf(event.frame_time)}`,
    thumbnailUrl: event.thumbnail_url,
  });
}

function showCameraStatus(event) {
  const known = state.cameras.get(event.camera_id);
  state.cameras.set(event.camera_id, { name: known?.name ?? cameraName(event.camera_id), status: event.status });
  renderCameras();
}

// Socket

function connectSocket() {
  const socket = io('/events', {
    auth: (send) => send({ token: state.session?.access_token }),
    transports: ['websocket', 'polling'],
  });
  state.socket = socket;
  socket.on('connect', () => setConnection('connected'));
  socket.on('recognition', showRecognition);
  socket.on('presence.unknown', showUnknown);
  socket.on('camera.status', showCameraStatus);
  socket.on('session.ended', (event) => (state.endReason = event));
  socket.on('disconnect', (reason) => {
    setConnection('disconnected');
    if (reason === 'io server disconnect') void resume(state.endReason);
  });
  socket.on('connect_error', (error) => {
    setConnection('disconnected');
    if (error.data) void resume({ reason: error.data.error, message: error.data.message });
  });
}

/** After the server ended the socket: a new token or new rooms connect again; anything else ends the session. */
async function resume(ended) {
  state.endReason = null;
  if (ended?.reason === 'token_expired') {
    try {
      await refresh();
    } catch {
      return endSession('Your session has ended; log in again.');
    }
  } else if (ended?.reason !== 'access_changed') {
    return endSession(ended?.message ?? 'Disconnected by the server.');
  }
  state.socket?.connect();
}

// Session

function start() {
  const { user } = state.session;
  $('who').textContent = `${user.username} (${user.role})`;
  $('login-view').hidden = true;
  $('session').hidden = false;
  $('live-view').hidden = false;
  void loadCameras();
  connectSocket();
}

function endSession(message) {
  state.socket?.disconnect();
  state.socket = null;
  saveSession(null);
  state.cameras.clear();
  for (const list of [$('feed'), $('unknown')]) [...list.children].forEach(dropCard);
  $('cameras').replaceChildren();
  note('');
  $('session').hidden = true;
  $('live-view').hidden = true;
  $('login-view').hidden = false;
  $('login-error').textContent = message ?? '';
}

$('login-form').addEventListener('submit', async (submitted) => {
  submitted.preventDefault();
  const identifier = $('username').value.trim();
  const password = $('password').value;
  $('login-error').textContent = '';
  try {
    const credentials = identifier.includes('@') ? { email: identifier } : { username: identifier };
    saveSession(await post('/auth/login', { ...credentials, password }));
    $('password').value = '';
    start();
  } catch (error) {
    $('login-error').textContent = error.message;
  }
});

$('logout').addEventListener('click', async () => {
  const refreshToken = state.session?.refresh_token;
  endSession('');
  if (refreshToken) await post('/auth/logout', { refresh_token: refreshToken }).catch(() => undefined);
});

if (state.session) start();
