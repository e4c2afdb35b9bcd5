/* global document, FormData, Option, clearTimeout */
// The visitor on the form: a returning visitor identified from a photo, a known one found by ID number (lookup or
// suggest), or a new one; saved with POST or PATCH.
import { api } from './api.js';
import { clearPhotos } from './photos.js';
import { $, alertOf, chosen, problem, say, state } from './page.js';

const TEXT_FIELDS = ['full_name', 'phone', 'email', 'company', 'purpose_of_visit'];

export function resetVisitor() {
  state.visitor = null;
  state.loadedIdNumber = null;
  $('visitor-form').reset();
  $('suggestions').replaceChildren();
  setMode('new');
  clearPhotos();
  $('badge').hidden = true;
  $('identify-result').textContent = '';
  $('identify-result').dataset.state = 'idle';
  alertOf('');
  say('');
}

function setMode(mode) {
  $('visitor-mode').dataset.mode = mode;
  $('visitor-mode').textContent = mode;
  $('upload-photos').disabled = mode === 'new' || state.photos.size === 0;
  $('check-in').disabled = mode === 'new';
}

/** Looks for a returning visitor in the photo; a match fills the form. */
export async function identify(image) {
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
    await showVisitor(visitor);
    result.dataset.state = 'matched';
    result.textContent = `Returning visitor: ${visitor.full_name} (${Math.round(similarity * 100)}% similar)`;
    if (visitor.is_watchlisted)
      alertOf(`${visitor.full_name} is on the watchlist: security was alerted.`, 'watchlisted');
  } catch (error) {
    result.dataset.state = 'error';
    result.textContent = problem(error);
  }
}

async function showVisitor(visitor) {
  state.visitor = visitor;
  state.loadedIdNumber = visitor.id_number;
  $('id_number').value = visitor.id_number;
  $('id_type').value = visitor.id_type;
  for (const field of TEXT_FIELDS) $(field).value = visitor[field] ?? '';
  for (const name of ['floors', 'towers']) {
    for (const option of $(name).options) option.selected = visitor[name].includes(option.value);
  }
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
  if (id && !state.hosts.has(id)) {
    const person = await api('GET', `/employees/${id}`).catch(() => null);
    renderHosts([{ id, full_name: person?.full_name ?? 'Host' }]);
  }
  $('host_employee_id').value = id ?? '';
}

/** Adds people found to the host choices; the first one found is chosen. */
function renderHosts(found) {
  for (const person of found) state.hosts.set(person.id, person.full_name);
  const select = $('host_employee_id');
  const current = select.value;
  select.replaceChildren(new Option('No host', ''), ...[...state.hosts].map(([id, name]) => new Option(name, id)));
  select.value = found[0]?.id ?? current;
}

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

async function lookUp() {
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
}

/** The form as a body: everything for a new visitor; for a known one, cleared fields as null, the number if changed. */
function visitorBody() {
  const creating = !state.visitor;
  const body = { id_type: $('id_type').value, floors: chosen('floors'), towers: chosen('towers') };
  for (const field of TEXT_FIELDS) {
    const value = $(field).value.trim();
    if (value) body[field] = value;
    else if (!creating && field !== 'full_name') body[field] = null;
  }
  const number = $('id_number').value.trim();
  if (creating || number !== state.loadedIdNumber) body.id_number = number;
  const host = $('host_employee_id').value;
  if (host || !creating) body.host_employee_id = host || null;
  return body;
}

async function save() {
  try {
    const saved = state.visitor
      ? await api('PATCH', `/visitors/${state.visitor.id}`, visitorBody())
      : await api('POST', '/visitors', visitorBody());
    await showVisitor(saved);
    say(`${saved.full_name} saved.`);
  } catch (error) {
    say(error.status === 409 ? 'This ID number is already registered: use Look up ID.' : problem(error));
  }
}

let suggestTimer;
$('id_number').addEventListener('input', () => {
  clearTimeout(suggestTimer);
  const prefix = $('id_number')
    .value.toUpperCase()
    .replace(/[^A-Z0-9]/g, '');
  if (prefix.length < 4) return $('suggestions').replaceChildren();
  suggestTimer = setTimeout(() => void suggest(prefix), 250);
});

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

$('lookup').addEventListener('click', () => void lookUp());
$('visitor-form').addEventListener('submit', (submitted) => {
  submitted.preventDefault();
  void save();
});
$('next-visitor').addEventListener('click', resetVisitor);
