import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import type { ImageFormat } from '../recognition/engine/image-decoder.js';
import { stripMetadata } from './photo-metadata.js';

const EXIF = { IFD0: { Make: 'TestCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2964/100' } };
const XMP = '<x:xmpmeta xmlns:x="adobe:ns:meta/"></x:xmpmeta>';

/** A small photo-like image (a gradient with noise) with EXIF, XMP and an ICC profile, in the given format. */
async function tagged(format: ImageFormat, options: { progressive?: boolean; alpha?: boolean } = {}): Promise<Buffer> {
  const width = 96;
  const height = 64;
  const channels = options.alpha ? 4 : 3;
  const pixels = Buffer.alloc(width * height * channels);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7 + ((i * 2654435761) >>> 27)) & 0xff;
  const image = sharp(pixels, { raw: { width, height, channels } }).withExif(EXIF).withXmp(XMP).withIccProfile('p3');
  if (format === 'jpeg') return image.jpeg({ quality: 90, progressive: options.progressive ?? false }).toBuffer();
  if (format === 'png') return image.png().toBuffer();
  return image.webp({ quality: 90 }).toBuffer();
}

const pixelsOf = (bytes: Buffer) => sharp(bytes).raw().toBuffer();

describe(stripMetadata.name, () => {
  const cases: [string, ImageFormat, Parameters<typeof tagged>[1]][] = [
    ['baseline JPEG', 'jpeg', {}],
    ['progressive JPEG', 'jpeg', { progressive: true }],
    ['PNG with alpha', 'png', { alpha: true }],
    ['WebP', 'webp', {}],
  ];
  for (const [name, format, options] of cases) {
    it(`removes EXIF and XMP from a ${name} and keeps its pixels and colour profile`, async () => {
      const input = await tagged(format, options);
      const before = await sharp(input).metadata();
      assert.ok(before.exif && before.xmp && before.icc, 'the input carries metadata');
      const sut = stripMetadata(input, format);
      assert.ok(sut, 'stripped');
      const after = await sharp(sut).metadata();
      assert.equal(after.format, before.format);
      assert.equal(after.exif, undefined);
      assert.equal(after.xmp, undefined);
      assert.ok(after.icc?.equals(before.icc), 'ICC profile kept');
      assert.ok(!sut.includes('TestCam'));
      assert.ok((await pixelsOf(sut)).equals(await pixelsOf(input)), 'pixels untouched');
    });
  }

  it('drops what follows the end of a JPEG (appended preview images, trailers)', async () => {
    const input = await tagged('jpeg');
    const sut = stripMetadata(Buffer.concat([input, Buffer.from('Exif GPS trailer')]), 'jpeg');
    assert.ok(sut && !sut.includes('GPS trailer'));
  });

  it('answers null for a structure it cannot walk, so the caller re-encodes', async () => {
    const jpeg = await tagged('jpeg');
    assert.equal(stripMetadata(jpeg.subarray(0, jpeg.length / 2), 'jpeg'), null, 'truncated JPEG');
    const png = await tagged('png');
    assert.equal(stripMetadata(png.subarray(0, 40), 'png'), null, 'truncated PNG');
    const webp = await tagged('webp');
    assert.equal(stripMetadata(webp.subarray(0, 30), 'webp'), null, 'truncated WebP');
  });
});
