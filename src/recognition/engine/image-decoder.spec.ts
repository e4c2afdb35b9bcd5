import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sniffImageFormat } from './image-decoder.js';
import { ImageError } from './image-errors.js';

void describe(sniffImageFormat.name, () => {
  void it('recognises JPEG, PNG and WebP by their first bytes', () => {
    assert.equal(sniffImageFormat(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0])), 'jpeg');
    assert.equal(sniffImageFormat(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0])), 'png');
    assert.equal(sniffImageFormat(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1')), 'webp');
  });

  void it('rejects other formats, other RIFF files, text and short input', () => {
    assert.equal(sniffImageFormat(Buffer.from('GIF89a......')), null);
    assert.equal(sniffImageFormat(Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt ', 'latin1')), null);
    assert.equal(sniffImageFormat(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')), null);
    assert.equal(sniffImageFormat(Buffer.from([0xff, 0xd8])), null);
    assert.equal(sniffImageFormat(Buffer.alloc(0)), null);
  });
});

void describe(ImageError.name, () => {
  void it('carries the HTTP status of its code and the details', () => {
    const sut = new ImageError('image_too_large', 'too big', { pixels: 50, max_pixels: 40 });

    assert.ok(sut instanceof Error);
    assert.equal(sut.status, 413);
    assert.deepEqual(sut.details, { pixels: 50, max_pixels: 40 });
    assert.equal(new ImageError('unsupported_media_type', 'no').status, 415);
    assert.equal(new ImageError('invalid_image', 'bad').status, 400);
  });
});
