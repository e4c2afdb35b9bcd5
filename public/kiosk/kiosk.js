/* global io, document, sessionStorage, fetch, navigator, FormData, URL, window */
// FaceGate visitor desk. The operator logs in; the page identifies a returning visitor from the camera (or a file)
// and pre-fills the form, or registers a new one with up to five angles, checks the visit in and prints the badge.
// No build step; it uses only the public API and the Socket.IO namespace /events, like any client.

const API = '/api/v1';
const SESSION_KEY = 'facegate.kiosk.session';
const ANGLES = [
  ['front', 'Front'],
  ['left', 'Left'],
  ['right', 'Right'],
  ['angled_left', 'Angled left'],
  ['angled_right', 'Angled right'],
];
const TEXT_FIELDS = ['full_name', 'phone', 'email', 'company', 'purpose_of_visit'];
const $ = (id) => document.getElementById(id);

const state = {
  session: loadSession(),
  socket: null,
  stream: null,
  /** The visitor on the form once saved or found; null for a new one. */
  visitor: null,
  /** The ID number as loaded (masked or clear): sent again only when the operator changed it. */
  loadedIdNumber: null,
  photos: new Map(),
  hosts: new Map(),
};

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

// API

/** An API error as the page shows it: `{ status, error, message, details }`. */
class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    Object.assign(this, { status, error: body?.error ?? 'http_error', details: body?.details });
  }
}

async function post(path, body) {
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
function refresh() {
  refreshing ??= post('/auth/refresh', { refresh_token: state.session?.refresh_token })
    .then((pair) => saveSession(pair))
    .finally(() => (refreshing = null));
  return refreshing;
}

/** Calls the API with the access token (JSON or a FormData body); refreshes it once on 401. */
async function api(method, path, body, retried = false) {
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
      endSession('Your session has ended; log in again.');
      throw new ApiError(401, { message: 'Your session has ended' });
    }
    return api(method, path, body, true);
  }
  if (response.status === 204) return null;
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, answer);
  return answer;
}

// Messages

function say(text) {
  $('status').textContent = text;
}

function alertOf(text, reason = '') {
  const alert = $('alert');
  alert.textContent = text;
  alert.dataset.reason = reason;
  alert.hidden = !text;
}

const problem = (error) =>
  Array.isArray(error.details) && error.details.length > 0
    ? `${error.message}: ${error.details.map((detail) => (detail.errors ?? []).join(', ')).join('; ')}`
    : error.message;

// Camera

async function startCamera() {
  if (state.stream) return;
  const camera = $('camera-state');
  try {
    state.stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
  } catch (error) {
    camera.dataset.state = 'error';
    camera.textContent = `No camera: ${error.message}. Photos can still come from files.`;
    return;
  }
  const video = $('camera');
  video.srcObject = state.stream;
  video.addEventListener(
    'playing',
    () => {
      camera.dataset.state = 'live';
      camera.textContent = 'Camera on';
      $('identify').disabled = false;
      document.querySelectorAll('.capture').forEach((button) => (button.disabled = false));
    },
    { once: true },
  );
}

function stopCamera() {
  state.stream?.getTracks().forEach((track) => track.stop());
  state.stream = null;
  $('camera').srcObject = null;
  $('camera-state').dataset.state = 'off';
  $('camera-state').textContent = 'Camera off';
  $('identify').disabled = true;
}

/** The camera's current frame as a JPEG. */
function captureFrame() {
  const video = $('camera');
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext('2d').drawImage(video, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('No frame'))), 'image/jpeg', 0.92),
  );
}

// Returning visitors

async function identify(image) {
  const result = $('identify-result');
  result.dataset.state = 'busy';
  result.textContent = 'Looking for a returning visitor…';
  const form = new FormData();
  form.append('image', image, 'desk.jpg');
  try {
    const answer = await api('POST', '/visitors/identify', form);
    if (!answer.match) {
      result.dataset.state = 'none';
      result.textContent = `No returning visitor (${answer.reason.replaceAll('_', ' ')}): register them below.`;
      return;
    }
    const { visitor, similarity } = answer.match;
    result.dataset.state = 'matched';
    result.textContent = `Returning visitor: ${visitor.full_name} (${Math.round(similarity * 100)}% similar)`;
    await showVisitor(visitor);
    if (visitor.is_watchlisted)
      alertOf(`${visitor.full_name} is on the watchlist: security was alerted.`, 'watchlisted');
  } catch (error) {
    result.dataset.state = 'error';
    result.textContent = problem(error);
  }
}

// The visitor form

function resetVisitor() {
  state.visitor = null;
  state.loadedIdNumber = null;
  $('visitor-form').reset();
  $('suggestions').replaceChildren();
  setMode('new');
  clearPhotos();
  $('photos-result').textContent = '';
  $('badge').hidden = true;
  $('identify-result').textContent = '';
  $('identify-result').dataset.state = 'idle';
  alertOf('');
  say('');
}

function setMode(mode) {
  const tag = $('visitor-mode');
  tag.dataset.mode = mode;
  tag.textContent = mode;
  const saved = mode !== 'new';
  $('upload-photos').disabled = !saved || state.photos.size === 0;
  $('check-in').disabled = !saved;
}

function selectValues(select, values) {
  for (const option of select.options) option.selected = values.includes(option.value);
}

async function showVisitor(visitor) {
  state.visitor = visitor;
  state.loadedIdNumber = visitor.id_number;
  $('id_number').value = visitor.id_number;
  $('id_type').value = visitor.id_type;
  for (const field of TEXT_FIELDS) $(field).value = visitor[field] ?? '';
  selectValues($('floors'), visitor.floors);
  selectValues($('towers'), visitor.towers);
  await showHost(visitor.host_employee_id);
  $('suggestions').replaceChildren();
  setMode('known');
  say(
    visitor.face_templates > 0
      ? `${visitor.full_name}: ${visitor.face_templates} photo(s) on file.`
      : `${visitor.full_name}: no photo on file; add some below.`,
  );
}

async function showHost(id) {
  const select = $('host_employee_id');
  if (id && !state.hosts.has(id)) {
    const person = await api('GET', `/employees/${id}`).catch(() => null);
    state.hosts.set(id, person?.full_name ?? 'Host');
    renderHosts([]);
  }
  select.value = id ?? '';
}

function renderHosts(found) {
  for (const person of found) state.hosts.set(person.id, person.full_name);
  const options = [new Option('No host', '')];
  for (const [id, name] of state.hosts) options.push(new Option(name, id));
  const select = $('host_employee_id');
  const chosen = select.value;
  select.replaceChildren(...options);
  select.value = found[0]?.id ?? chosen;
}

let hostTimer;
$('host-search').addEventListener('input', () => {
  clearTimeout(hostTimer);
  const search = $('host-search').value.trim();
  if (search.length < 2) return;
  hostTimer = setTimeout(async () => {
    const page = await api('GET', `/employees?search=${encodeURIComponent(search)}&page_size=10`).catch(() => null);
    renderHosts(page?.results ?? []);
  }, 250);
});

let suggestTimer;
$('id_number').addEventListener('input', () => {
  clearTimeout(suggestTimer);
  const prefix = $('id_number')
    .value.toUpperCase()
    .replace(/[^A-Z0-9]/g, '');
  if (prefix.length < 4) return $('suggestions').replaceChildren();
  suggestTimer = setTimeout(() => void suggest(prefix), 250);
});

async function suggest(prefix) {
  try {
    const found = await api('GET', `/visitors/suggest?q=${encodeURIComponent(prefix)}`);
    $('suggest-note').textContent = found.length ? 'Known visitors:' : 'No known visitor has this number.';
    $('suggestions').replaceChildren(
      ...found.map((row) => {
        const item = document.createElement('li');
        const button = document.createElement('button');
        button.type = 'button';
        button.dataset.visitorId = row.id;
        button.textContent = `${row.full_name} · ${row.id_number}`;
        button.addEventListener('click', async () => showVisitor(await api('GET', `/visitors/${row.id}`)));
        item.append(button);
        return item;
      }),
    );
  } catch (error) {
    $('suggest-note').textContent =
      error.status === 429 ? `Too many lookups; wait ${error.details?.retry_after ?? 60} s.` : problem(error);
  }
}

$('lookup').addEventListener('click', async () => {
  const number = $('id_number').value.trim();
  if (!number) return say('Type the ID number first.');
  try {
    const found = await api('GET', `/visitors/by-id-number/${encodeURIComponent(number)}`);
    if (found.exists) return showVisitor(found.visitor);
    state.visitor = null;
    setMode('new');
    say('New visitor: fill in the details and save.');
  } catch (error) {
    say(problem(error));
  }
});

function visitorBody() {
  const body = { id_type: $('id_type').value };
  const creating = !state.visitor;
  for (const field of TEXT_FIELDS) {
    const value = $(field).value.trim();
    if (value) body[field] = value;
    else if (!creating && field !== 'full_name') body[field] = null;
  }
  const number = $('id_number').value.trim();
  if (creating || number !== state.loadedIdNumber) body.id_number = number;
  const host = $('host_employee_id').value;
  if (host || !creating) body.host_employee_id = host || null;
  body.floors = [...$('floors').selectedOptions].map((option) => option.value);
  body.towers = [...$('towers').selectedOptions].map((option) => option.value);
  return body;
}

$('visitor-form').addEventListener('submit', async (submitted) => {
  submitted.preventDefault();
  try {
    const saved = state.visitor
      ? await api('PATCH', `/visitors/${state.visitor.id}`, visitorBody())
      : await api('POST', '/visitors', visitorBody());
    await showVisitor(saved);
    say(`${saved.full_name} saved.`);
  } catch (error) {
    say(error.status === 409 ? 'This ID number is already registered: use Look up ID.' : problem(error));
  }
});

$('next-visitor').addEventListener('click', resetVisitor);

// Photos by angle

function renderAngles() {
  $('angles').replaceChildren(
    ...ANGLES.map(([angle, label]) => {
      const item = document.createElement('li');
      item.dataset.angle = angle;
      const title = document.createElement('span');
      title.textContent = label;
      const image = document.createElement('img');
      image.alt = '';
      const capture = document.createElement('button');
      capture.type = 'button';
      capture.className = 'capture';
      capture.textContent = 'Capture';
      capture.disabled = !state.stream;
      capture.addEventListener('click', async () => setPhoto(angle, await captureFrame()));
      const file = document.createElement('input');
      file.type = 'file';
      file.accept = 'image/jpeg,image/png,image/webp';
      file.setAttribute('aria-label', `${label} photo file`);
      file.addEventListener('change', () => file.files[0] && setPhoto(angle, file.files[0]));
      item.append(title, image, capture, file);
      return item;
    }),
  );
}

function setPhoto(angle, blob) {
  state.photos.set(angle, blob);
  const image = document.querySelector(`#angles li[data-angle="${angle}"] img`);
  if (image.src) URL.revokeObjectURL(image.src);
  image.src = URL.createObjectURL(blob);
  image.alt = `${angle} photo`;
  $('upload-photos').disabled = !state.visitor;
}

function clearPhotos() {
  for (const image of document.querySelectorAll('#angles img')) {
    if (image.src) URL.revokeObjectURL(image.src);
    image.removeAttribute('src');
    image.alt = '';
  }
  for (const input of document.querySelectorAll('#angles input')) input.value = '';
  state.photos.clear();
  $('upload-photos').disabled = true;
}

$('upload-photos').addEventListener('click', async () => {
  if (!state.visitor || state.photos.size === 0) return;
  const form = new FormData();
  for (const [angle, blob] of state.photos) form.append(angle, blob, `${angle}.jpg`);
  const result = $('photos-result');
  result.textContent = 'Uploading…';
  try {
    const answer = await api('POST', `/visitors/${state.visitor.id}/photos`, form);
    const refused = answer.rejected.map((photo) => `${photo.photo}: ${photo.error.replaceAll('_', ' ')}`);
    result.textContent = `${answer.added_vectors} photo(s) added.${refused.length ? ` Refused: ${refused.join('; ')}.` : ''}`;
    result.dataset.added = String(answer.added_vectors);
    clearPhotos();
  } catch (error) {
    const refused = error.details?.rejected?.map((photo) => `${photo.photo}: ${photo.message}`) ?? [];
    result.textContent = refused.length ? `No photo accepted. ${refused.join('; ')}` : problem(error);
    result.dataset.added = '0';
  }
});

// Check-in, badge, on site

$('check-in').addEventListener('click', async () => {
  if (!state.visitor) return;
  alertOf('');
  const body = {
    visitor_id: state.visitor.id,
    floors: [...$('floors').selectedOptions].map((option) => option.value),
    towers: [...$('towers').selectedOptions].map((option) => option.value),
  };
  const host = $('host_employee_id').value;
  if (host) body.host_employee_id = host;
  const purpose = $('purpose_of_visit').value.trim();
  if (purpose) body.purpose = purpose;
  const badge = $('badge_number').value.trim();
  if (badge) body.badge_number = badge;
  try {
    showBadge(await api('POST', '/visits', body));
    say(`${state.visitor.full_name} is checked in.`);
    await loadOnSite();
  } catch (error) {
    if (error.error === 'watchlisted') {
      alertOf(`Check-in refused: ${state.visitor.full_name} is on the watchlist. Security was alerted.`, 'watchlisted');
    } else say(problem(error));
  }
});

function showBadge(visit) {
  $('badge-name').textContent = visit.visitor?.full_name ?? '';
  $('badge-company').textContent = visit.visitor?.company ?? '–';
  $('badge-host').textContent = visit.host?.full_name ?? '–';
  $('badge-floors').textContent = visit.floors.join(', ') || '–';
  $('badge-towers').textContent = visit.towers.join(', ') || '–';
  $('badge-number').textContent = visit.badge_number ?? '–';
  $('badge-time').textContent = new Date(visit.checked_in_at).toLocaleString();
  $('badge').dataset.visitId = visit.id;
  $('badge').hidden = false;
}

$('print-badge').addEventListener('click', () => window.print());

async function loadOnSite() {
  const answer = await api('GET', '/visits/on-site').catch(() => null);
  if (!answer) return;
  const visits = Array.isArray(answer) ? answer : (answer.results ?? []);
  $('on-site-count').textContent = String(visits.length);
  $('on-site').replaceChildren(
    ...visits.map((visit) => {
      const item = document.createElement('li');
      item.dataset.visitId = visit.id;
      const text = document.createElement('span');
      const where = [visit.floors.join(', '), visit.towers.join(', ')].filter(Boolean).join(' · ');
      text.textContent = [
        visit.visitor?.full_name ?? 'Erased visitor',
        visit.host ? `host ${visit.host.full_name}` : '',
        where,
        `since ${new Date(visit.checked_in_at).toLocaleTimeString()}`,
      ]
        .filter(Boolean)
        .join(' · ');
      const out = document.createElement('button');
      out.type = 'button';
      out.textContent = 'Check out';
      out.addEventListener('click', async () => {
        await api('POST', `/visits/${visit.id}/check-out`).catch((error) => say(problem(error)));
        await loadOnSite();
      });
      item.append(text, out);
      return item;
    }),
  );
}

async function loadLabels() {
  for (const name of ['floors', 'towers']) {
    const labels = await api('GET', `/meta/${name}`).catch(() => []);
    $(name).replaceChildren(...labels.map((label) => new Option(label, label)));
  }
}

// Socket: check-ins at other desks and watchlist alerts

function setConnection(connectionState) {
  $('connection').dataset.state = connectionState;
  $('connection').textContent = connectionState;
}

function connectSocket() {
  const socket = io('/events', {
    auth: (send) => send({ token: state.session?.access_token }),
    transports: ['websocket', 'polling'],
  });
  state.socket = socket;
  socket.on('connect', () => setConnection('connected'));
  socket.on('visitor.checked_in', () => void loadOnSite());
  socket.on('visitor.watchlist_hit', (event) =>
    alertOf(
      `Watchlist: ${event.visitor_name} (${event.source.replace('_', '-')}). Security was alerted.`,
      'watchlisted',
    ),
  );
  socket.on('disconnect', (reason) => {
    setConnection('disconnected');
    if (reason === 'io server disconnect') void resume();
  });
  socket.on('connect_error', (error) => {
    setConnection('disconnected');
    if (error.data?.error === 'token_expired') void resume();
    else if (error.data) endSession(error.data.message);
  });
}

async function resume() {
  try {
    await refresh();
    state.socket?.connect();
  } catch {
    endSession('Your session has ended; log in again.');
  }
}

// Session

function start() {
  const { user } = state.session;
  $('who').textContent = `${user.username} (${user.role})`;
  $('login-view').hidden = true;
  $('session').hidden = false;
  $('desk-view').hidden = false;
  renderAngles();
  resetVisitor();
  void loadLabels();
  void loadOnSite();
  void startCamera();
  connectSocket();
}

function endSession(message) {
  state.socket?.disconnect();
  state.socket = null;
  stopCamera();
  saveSession(null);
  resetVisitor();
  $('session').hidden = true;
  $('desk-view').hidden = true;
  $('login-view').hidden = false;
  $('login-error').textContent = message ?? '';
}

$('camera-start').addEventListener('click', () => void startCamera());
$('identify').addEventListener('click', async () => identify(await captureFrame()));
$('identify-file').addEventListener('change', () => {
  const file = $('identify-file').files[0];
  if (file) void identify(file);
  $('identify-file').value = '';
});

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
