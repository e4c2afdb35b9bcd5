/* global document */
// What every part of the desk page shares: its state, element lookup and the messages it shows.

export const $ = (id) => document.getElementById(id);

export const state = {
  session: null,
  socket: null,
  stream: null,
  /** The visitor on the form once saved or found; null for a new one. */
  visitor: null,
  /** The ID number as loaded (masked or clear): sent again only when the operator changed it. */
  loadedIdNumber: null,
  /** Photos by angle waiting for upload. */
  photos: new Map(),
  /** Hosts offered so far, id → name. */
  hosts: new Map(),
};

export function say(text) {
  $('status').textContent = text;
}

/** The banner for what the desk must not miss (a watchlisted visitor); empty text hides it. */
export function alertOf(text, reason = '') {
  const alert = $('alert');
  alert.textContent = text;
  alert.dataset.reason = reason;
  alert.hidden = !text;
}

/** An API error in words, with the fields it names. */
export const problem = (error) =>
  Array.isArray(error.details) && error.details.length > 0
    ? `${error.message}: ${error.details.map((detail) => (detail.errors ?? []).join(', ')).join('; ')}`
    : error.message;

/** The floors and towers chosen on the form. */
export const chosen = (id) => [...$(id).selectedOptions].map((option) => option.value);
