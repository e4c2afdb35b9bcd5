/* global document, navigator */
// The desk camera (getUserMedia) and frames from it as JPEGs.
import { $, state } from './page.js';

export async function startCamera() {
  if (state.stream) return;
  const status = $('camera-state');
  try {
    state.stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
  } catch (error) {
    status.dataset.state = 'error';
    status.textContent = `No camera: ${error.message}. Photos can still come from files.`;
    return;
  }
  const video = $('camera');
  video.srcObject = state.stream;
  video.addEventListener(
    'playing',
    () => {
      status.dataset.state = 'live';
      status.textContent = 'Camera on';
      $('identify').disabled = false;
      document.querySelectorAll('.capture').forEach((button) => (button.disabled = false));
    },
    { once: true },
  );
}

export function stopCamera() {
  state.stream?.getTracks().forEach((track) => track.stop());
  state.stream = null;
  $('camera').srcObject = null;
  $('camera-state').dataset.state = 'off';
  $('camera-state').textContent = 'Camera off';
  $('identify').disabled = true;
  document.querySelectorAll('.capture').forEach((button) => (button.disabled = true));
}

/** The camera's current frame as a JPEG. */
export function captureFrame() {
  const video = $('camera');
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext('2d').drawImage(video, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('No frame'))), 'image/jpeg', 0.92),
  );
}
