/* global document, window */
// Checking the visitor on the form in, their badge, and who is on site (with check-out).
import { api } from './api.js';
import { $, alertOf, chosen, problem, say, state } from './page.js';

async function checkIn() {
  if (!state.visitor) return;
  alertOf('');
  const body = { visitor_id: state.visitor.id, floors: chosen('floors'), towers: chosen('towers') };
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
}

function showBadge(visit) {
  const show = (id, value) => ($(id).textContent = value || '–');
  show('badge-name', visit.visitor?.full_name);
  show('badge-company', visit.visitor?.company);
  show('badge-host', visit.host?.full_name);
  show('badge-floors', visit.floors.join(', '));
  show('badge-towers', visit.towers.join(', '));
  show('badge-number', visit.badge_number);
  show('badge-time', new Date(visit.checked_in_at).toLocaleString());
  $('badge').dataset.visitId = visit.id;
  $('badge').hidden = false;
}

/** The evacuation list: everyone checked in and not out. */
export async function loadOnSite() {
  const answer = await api('GET', '/visits/on-site').catch(() => null);
  if (!answer) return;
  const visits = answer.results ?? [];
  // The count is everyone on site; the list shows the first page (the longest stays first).
  $('on-site-count').textContent = String(answer.count ?? visits.length);
  $('on-site').replaceChildren(...visits.map(onSiteItem));
}

function onSiteItem(visit) {
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
}

$('check-in').addEventListener('click', () => void checkIn());
$('print-badge').addEventListener('click', () => window.print());
