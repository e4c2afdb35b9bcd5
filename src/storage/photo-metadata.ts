import type { ImageFormat } from '../recognition/engine/image-decoder.js';

/**
 * Removes the metadata blocks (EXIF, XMP, IPTC, comments, text chunks) of an image without touching its
 * compressed pixels, so a stored original is exactly the photo that was embedded and can be re-embedded by a
 * later model with no generation loss. Colour information (ICC profile, gamma, Adobe colour transform) is kept.
 * Returns null when the file's structure is not the plain one expected; the caller then re-encodes instead.
 *
 * This does not apply an EXIF orientation: a photo whose orientation is not 1 has to be re-encoded upright first,
 * since the orientation goes with the EXIF block.
 */
export function stripMetadata(bytes: Buffer, format: ImageFormat): Buffer | null {
  try {
    switch (format) {
      case 'jpeg':
        return stripJpeg(bytes);
      case 'png':
        return stripPng(bytes);
      case 'webp':
        return stripWebp(bytes);
    }
  } catch {
    // A length pointing outside the file and the like: not a structure to trust byte surgery with.
    return null;
  }
}

const SOS = 0xda;
const EOI = 0xd9;
const APP0 = 0xe0;
const APP2 = 0xe2;
const APP14 = 0xee;
const APP15 = 0xef;
const COM = 0xfe;

/** Segments kept: everything but APPn and COM, except JFIF (APP0), the ICC profile (APP2) and Adobe (APP14). */
function keepJpegSegment(marker: number, payload: Buffer): boolean {
  if (marker === COM) return false;
  if (marker < APP0 || marker > APP15) return true;
  const signature = (text: string) => payload.subarray(0, text.length).toString('latin1') === text;
  if (marker === APP0) return signature('JFIF\0');
  if (marker === APP2) return signature('ICC_PROFILE\0');
  if (marker === APP14) return signature('Adobe');
  return false;
}

/** Walks the markers up to EOI; whatever follows EOI (MPF preview images, trailers) is dropped too. */
function stripJpeg(bytes: Buffer): Buffer | null {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  const kept: Buffer[] = [bytes.subarray(0, 2)];
  let at = 2;
  for (;;) {
    if (at + 2 > bytes.length || bytes[at] !== 0xff) return null;
    while (bytes[at + 1] === 0xff) at += 1; // fill bytes before a marker
    const marker = bytes[at + 1];
    if (marker === EOI) {
      kept.push(bytes.subarray(at, at + 2));
      return Buffer.concat(kept);
    }
    if (marker >= 0xd0 && marker <= 0xd7) return null; // a restart marker outside a scan
    const end = at + 2 + bytes.readUInt16BE(at + 2);
    if (end > bytes.length) return null;
    if (keepJpegSegment(marker, bytes.subarray(at + 4, end))) kept.push(bytes.subarray(at, end));
    at = end;
    if (marker === SOS) {
      // Entropy-coded data runs to the next marker: 0xFF is only ever followed by 0x00 (stuffing) or RSTn there.
      let next = at;
      while (next + 1 < bytes.length) {
        const following = bytes[next + 1];
        if (bytes[next] === 0xff && following !== 0x00 && !(following >= 0xd0 && following <= 0xd7)) break;
        next += 1;
      }
      if (next + 1 >= bytes.length) return null;
      kept.push(bytes.subarray(at, next));
      at = next;
    }
  }
}

/** Chunks a PNG needs to look the same: pixels, palette, transparency, colour and pixel size, APNG frames. */
const PNG_KEPT_CHUNKS = new Set([
  'IHDR',
  'PLTE',
  'IDAT',
  'IEND',
  'tRNS',
  'cHRM',
  'gAMA',
  'iCCP',
  'sBIT',
  'sRGB',
  'cICP',
  'pHYs',
  'acTL',
  'fcTL',
  'fdAT',
]);

/** Keeps the listed chunks (eXIf, tEXt, zTXt, iTXt with XMP, tIME and unknown ones go), up to IEND. */
function stripPng(bytes: Buffer): Buffer | null {
  const kept: Buffer[] = [bytes.subarray(0, 8)];
  let at = 8;
  while (at + 12 <= bytes.length) {
    const end = at + 12 + bytes.readUInt32BE(at);
    const type = bytes.subarray(at + 4, at + 8).toString('latin1');
    if (end > bytes.length) return null;
    if (PNG_KEPT_CHUNKS.has(type)) kept.push(bytes.subarray(at, end));
    if (type === 'IEND') return Buffer.concat(kept);
    at = end;
  }
  return null;
}

/** VP8X flags announcing EXIF and XMP chunks. */
const WEBP_EXIF_FLAG = 0x08;
const WEBP_XMP_FLAG = 0x04;

/** Drops the EXIF and XMP chunks of the RIFF container and clears their flags in VP8X. */
function stripWebp(bytes: Buffer): Buffer | null {
  const riffEnd = 8 + bytes.readUInt32LE(4);
  if (riffEnd > bytes.length) return null;
  const kept: Buffer[] = [];
  let at = 12;
  while (at + 8 <= riffEnd) {
    const fourcc = bytes.subarray(at, at + 4).toString('latin1');
    const end = at + 8 + bytes.readUInt32LE(at + 4) + (bytes.readUInt32LE(at + 4) % 2);
    if (end > riffEnd) return null;
    if (fourcc === 'VP8X') {
      const chunk = Buffer.from(bytes.subarray(at, end));
      chunk[8] &= ~(WEBP_EXIF_FLAG | WEBP_XMP_FLAG);
      kept.push(chunk);
    } else if (fourcc !== 'EXIF' && fourcc !== 'XMP ') {
      kept.push(bytes.subarray(at, end));
    }
    at = end;
  }
  if (at !== riffEnd) return null;
  const body = Buffer.concat(kept);
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(body.length + 4, 4);
  header.write('WEBP', 8, 'latin1');
  return Buffer.concat([header, body]);
}
