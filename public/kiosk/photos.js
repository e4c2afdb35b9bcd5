/* global document, FormData */
// Photos by angle: from the camera or a file, previewed, then uploaded together for the visitor on the form.
import { api } from './api.js';
import { captureFrame } from './camera.js';
import { $, problem, state } from './page.js';

const ANGLES = [
  ['front', 'Front'],
  ['left', 'Left'],
  ['right', 'Right'],
  ['angled_left', 'Angled left'],
  ['angled_right', 'Angled right'],
];

export function renderAngles() {
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

export function clearPhotos() {
  for (const image of document.querySelectorAll('#angles img')) {
    if (image.src) URL.revokeObjectURL(image.src);
    image.removeAttribute('src');
    image.alt = '';
  }
  for (const input of document.querySelectorAll('#angles input')) input.value = '';
  state.photos.clear();
  $('upload-photos').disabled = true;
  $('photos-result').textContent = '';
  delete $('photos-result').dataset.added;
}

async function uploadPhotos() {
  if (!state.visitor || state.photos.size === 0) return;
  const form = new FormData();
  for (const [angle, blob] of state.photos) form.append(angle, blob, `${angle}.jpg`);
  const result = $('photos-result');
  result.textContent = 'Uploading…';
  try {
    const answer = await api('POST', `/visitors/${state.visitor.id}/photos`, form);
    const refused = answer.rejected.map((photo) => `${photo.photo}: ${photo.error.replaceAll('_', ' ')}`);
    clearPhotos();
    result.textContent = `${answer.added_vectors} photo(s) added.${refused.length ? ` Refused: ${refused.join('; ')}.` : ''}`;
    result.dataset.added = String(answer.added_vectors);
  } catch (error) {
    const refused = error.details?.rejected?.map((photo) => `${photo.photo}: ${photo.message}`) ?? [];
    result.textContent = refused.length ? `No photo accepted. ${refused.join('; ')}` : problem(error);
    result.dataset.added = '0';
  }
}

$('upload-photos').addEventListener('click', () => void uploadPhotos());
