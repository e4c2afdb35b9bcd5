import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { ImageDecoder } from '../../src/recognition/engine/image-decoder.js';
import { ImageError } from '../../src/recognition/engine/image-errors.js';
import { pngHeader } from '../support/bad-uploads.js';
import { facePath, skipWithoutPhotos } from '../support/shared-data.js';

async function rejection(promise: Promise<unknown>): Promise<ImageError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ImageError, `expected an ImageError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the decoder to reject');
}

function solidPng(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 10, g: 120, b: 200 } } })
    .png()
    .toBuffer();
}

void describe(ImageDecoder.name, { skip: skipWithoutPhotos }, () => {
  const sut = new ImageDecoder();

  void it('decodes a JPEG, applying its EXIF orientation', async () => {
    const image = await sut.decode(await readFile(facePath('antispoof', 'real-T1.jpg'))); // 640x480, orientation 6

    assert.equal(image.format, 'jpeg');
    assert.deepEqual([image.width, image.height], [480, 640]);
    assert.equal(image.data.length, 480 * 640 * 3);
  });

  void it('decodes a grey PNG to RGB and drops an alpha channel', async () => {
    const grey = await sut.decode(await readFile(facePath('bbt', 'amy', 'amy1.png')));
    const rgba = await sharp({ create: { width: 4, height: 3, channels: 4, background: '#ff000080' } })
      .png()
      .toBuffer();
    const fromRgba = await sut.decode(rgba);

    assert.equal(grey.format, 'png');
    assert.equal(grey.data.length, grey.width * grey.height * 3);
    const middle = (grey.height / 2) * grey.width * 3 + (grey.width / 2) * 3;
    assert.equal(grey.data[middle], grey.data[middle + 1]);
    assert.equal(fromRgba.data.length, 4 * 3 * 3);
    assert.deepEqual([...fromRgba.data.subarray(0, 3)], [255, 0, 0]);
  });

  void it('decodes WebP by its bytes, whatever the file is called', async () => {
    const image = await sut.decode(await readFile(facePath('deepface', 'img47.jpg')));

    assert.equal(image.format, 'webp');
    assert.equal(image.data.length, image.width * image.height * 3);
  });

  void it('rejects a text file with 415', async () => {
    const error = await rejection(sut.decode(Buffer.from('name,email\nAda,ada@example.com\n')));

    assert.equal(error.code, 'unsupported_media_type');
    assert.equal(error.status, 415);
  });

  void it('rejects a truncated JPEG with 400', async () => {
    const bytes = await readFile(facePath('antispoof', 'real-T1.jpg'));

    const half = await rejection(sut.decode(bytes.subarray(0, bytes.length / 2)));
    const headerOnly = await rejection(sut.decode(bytes.subarray(0, 40)));
    const garbage = await rejection(sut.decode(Buffer.concat([bytes.subarray(0, 3), Buffer.alloc(500, 0x41)])));

    for (const error of [half, headerOnly, garbage]) {
      assert.equal(error.code, 'invalid_image');
      assert.equal(error.status, 400);
    }
  });

  void it('rejects a header claiming more pixels than the limit with 413, without decoding', async () => {
    const error = await rejection(sut.decode(pngHeader(50_000, 50_000)));

    assert.equal(error.code, 'image_too_large');
    assert.equal(error.status, 413);
    assert.equal(error.details.pixels, 2_500_000_000);
    assert.equal(error.details.max_pixels, 40_000_000);
  });

  void it('applies a configured pixel limit to a real image', async () => {
    const strict = new ImageDecoder({ maxPixels: 1_000_000 });

    const error = await rejection(strict.decode(await solidPng(1001, 1000)));
    const image = await strict.decode(await solidPng(1000, 1000));

    assert.equal(error.code, 'image_too_large');
    assert.equal(error.details.pixels, 1_001_000);
    assert.deepEqual([image.width, image.height], [1000, 1000]);
  });

  void it('turns a JPEG with EXIF orientation 6 upright: sides swap and the left edge becomes the top', async () => {
    const width = 300;
    const height = 200;
    const pixels = Buffer.alloc(width * height * 3);
    for (let i = 0; i < width * height; i++) pixels.set(i % width < width / 2 ? [220, 20, 20] : [20, 20, 220], i * 3);
    const jpeg = await sharp(pixels, { raw: { width, height, channels: 3 } })
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toBuffer();

    const image = await sut.decode(jpeg);

    assert.deepEqual([image.width, image.height], [height, width]);
    const pixel = (x: number, y: number) => [
      ...image.data.subarray((y * image.width + x) * 3, (y * image.width + x) * 3 + 3),
    ];
    assert.ok(pixel(100, 10)[0] > 180, `top ${pixel(100, 10).join(',')}`); // red half on top
    assert.ok(pixel(100, 290)[2] > 180, `bottom ${pixel(100, 290).join(',')}`);
  });

  void it('downscales a large image to the maximum side and reports the original size', async () => {
    const image = await new ImageDecoder({ maxSide: 1000 }).decode(await solidPng(3000, 1500));

    assert.deepEqual([image.width, image.height], [1000, 500]);
    assert.deepEqual([image.originalWidth, image.originalHeight], [3000, 1500]);
    assert.equal(image.scale, 1000 / 3000);
  });
});
