/* global io, Option */
// FaceGate visitor desk. The operator logs in; the page identifies a returning visitor from the camera (or a file)
// and pre-fills the form, or registers a new one with up to five angles, checks the visit in and prints the badge.
// No build step; it uses only the public API and the Socket.IO namespace /events, like any client.
import { api, loadSession, post, refresh, saveSession, session } from './api.js';
import { captureFrame, startCamera, stopCamera } from './camera.js';
import { $, alertOf, state } from './page.js';
import { renderAngles } from './photos.js';
import { identify, resetVisitor } from './visitor-form.js';
import { loadOnSite } from './visits.js';

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
  socket.on('visitor.watchlist_hit', (event) => {
    // This desk's own refused check-in is shown from the HTTP answer (visits.js), whichever arrives first.
    if (event.source === 'check_in' && event.user_id === state.session?.user?.id) return;
    alertOf(
      `Watchlist: ${event.visitor_name} (${event.source.replace('_', '-')}). Security was alerted.`,
      'watchlisted',
    );
  });
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

/** After the server ended the socket (an expired token, changed access): a fresh token connects again. */
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
session.ended = endSession;

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

if (loadSession()) start();
