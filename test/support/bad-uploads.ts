import { readFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import { facePath } from './shared-data.js';

/** A PNG chunk: length, type, data and CRC. */
function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG whose header claims width x height pixels (8-bit RGB), with one tiny (wrong) image data chunk. */
export function pngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00])),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A complete, valid black 8-bit grey PNG of width x height, written directly with zlib. sharp can write one too,
 * but spends over 20 s on a 1 x 39,000,000 image (libvips goes one scanline at a time, as when decoding it);
 * zlib deflates the 78 MB of zero rows in well under a second into about 76 KB.
 */
export function blackPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit grey, no interlace
  const rows = Buffer.alloc((width + 1) * height); // each row: filter byte 0, then `width` black pixels
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(rows, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** 1 x 39,000,000: under the 40 MP limit, 76 KB, and 7-11 s of decoding before the side limit existed. */
export const THIN_PNG_SIZE = { width: 1, height: 39_000_000 } as const;

let thinPng: Buffer | undefined;
let bombPng: Buffer | undefined;

/** The 1 x 39,000,000 PNG, built once per process. */
export function thinPngBytes(): Buffer {
  thinPng ??= blackPng(THIN_PNG_SIZE.width, THIN_PNG_SIZE.height);
  return thinPng;
}

export interface BadUpload {
  name: string;
  filename: string;
  bytes: Buffer;
}

/**
 * Uploads every image route must refuse with a 4xx in the error shape: nothing, a text file named .jpg, a JPEG
 * cut short or reduced to its header, the 1 x 39,000,000 PNG, and a decompression bomb (a complete 10,000 x 10,000
 * PNG of 100 MP in about 100 KB). The JPEG comes from the shared photos.
 */
export function badUploads(): BadUpload[] {
  const jpeg = readFileSync(facePath('knn', 'test', 'obama1.jpg'));
  return [
    { name: 'empty file', filename: 'empty.jpg', bytes: Buffer.alloc(0) },
    { name: 'text file named .jpg', filename: 'fake.jpg', bytes: Buffer.from('hello, I am text, not a JPEG') },
    { name: 'truncated JPEG', filename: 'cut.jpg', bytes: jpeg.subarray(0, Math.floor(jpeg.length / 3)) },
    { name: 'JPEG header only', filename: 'header.jpg', bytes: jpeg.subarray(0, 40) },
    { name: '1 x 39,000,000 PNG', filename: 'thin.png', bytes: thinPngBytes() },
    { name: '100 MP PNG (decompression bomb)', filename: 'bomb.png', bytes: (bombPng ??= blackPng(10_000, 10_000)) },
  ];
}
