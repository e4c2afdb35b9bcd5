import sharp, { type Metadata } from 'sharp';
import type { RgbImage } from './face.types.js';
import { ImageError } from './image-errors.js';

export type ImageFormat = 'jpeg' | 'png' | 'webp';

/** A decoded image plus what it was before decoding; `width`/`height`/`data` may be downscaled (see `scale`). */
export interface DecodedImage extends RgbImage {
  format: ImageFormat;
  /** Size after EXIF rotation, before any downscaling. */
  originalWidth: number;
  originalHeight: number;
  /** width / originalWidth (1 when not downscaled). Divide coordinates by it to map them to the original. */
  scale: number;
}

export interface ImageDecoderOptions {
  /** Images whose header says more than this many pixels are rejected before decoding (default 40 MP). */
  maxPixels?: number;
  /** Images whose header gives a side longer than this are rejected before decoding (default 12,000 px). */
  maxInputSide?: number;
  /** Images whose longer side is more than this many times the shorter are rejected before decoding (20). */
  maxAspectRatio?: number;
  /** Decoding (or making a thumbnail) that takes longer is abandoned (default 5 s). */
  timeoutSeconds?: number;
  /** Longer side of the output in pixels; larger images are downscaled to it. 0 keeps the full size. */
  maxSide?: number;
}

export const DEFAULT_MAX_PIXELS = 40_000_000;
/**
 * The pixel limit alone lets through shapes that cost far more than their pixel count: a 1 x 39,000,000 PNG is
 * 76 KB, under 40 MP, and took libvips 7-11 s, one scanline at a time. 12,000 px is above every camera we know of
 * (a 100 MP medium-format sensor is 11,648 px wide; phones stop near 8,200) and JPEG decodes shrink on load.
 */
export const DEFAULT_MAX_INPUT_SIDE = 12_000;
/**
 * Sensors are 4:3, 3:2 or 16:9 and phone panoramas stay under about 1:9 (360° ones are longer than the side
 * limit anyway); 1:20 is reached by no photo of a face, only by strips made to be slow.
 */
export const DEFAULT_MAX_ASPECT_RATIO = 20;
/**
 * The slowest images the limits above accept (40 MP progressive JPEG, WebP, interlaced PNG) decode in about 1 s on
 * one core of a small server; 5 s leaves room for a busy machine and still frees the worker soon.
 */
export const DEFAULT_DECODE_TIMEOUT_SECONDS = 5;
export const DEFAULT_MAX_SIDE = 1920;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The format from the first bytes of the file, or null when it is none of JPEG, PNG and WebP. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && PNG_SIGNATURE.every((byte, i) => bytes[i] === byte)) return 'png';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  return null;
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}

/** Turns uploaded bytes into packed RGB. The only class that touches sharp. */
export class ImageDecoder {
  readonly maxPixels: number;
  readonly maxInputSide: number;
  readonly maxAspectRatio: number;
  readonly timeoutSeconds: number;
  readonly maxSide: number;

  constructor(options: ImageDecoderOptions = {}) {
    this.maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
    this.maxInputSide = options.maxInputSide ?? DEFAULT_MAX_INPUT_SIDE;
    this.maxAspectRatio = options.maxAspectRatio ?? DEFAULT_MAX_ASPECT_RATIO;
    this.timeoutSeconds = options.timeoutSeconds ?? DEFAULT_DECODE_TIMEOUT_SECONDS;
    this.maxSide = options.maxSide ?? DEFAULT_MAX_SIDE;
  }

  /** Decodes JPEG, PNG or WebP bytes; throws only ImageError for bad input. */
  async decode(bytes: Buffer): Promise<DecodedImage> {
    const format = sniffImageFormat(bytes);
    if (format === null) {
      throw new ImageError('unsupported_media_type', 'Not a JPEG, PNG or WebP image', {
        accepted: ['image/jpeg', 'image/png', 'image/webp'],
      });
    }
    const { width, height } = await this.readSize(bytes, format);
    this.checkShape(width, height);
    return this.decodePixels(bytes, format, width, height);
  }

  /** Refuses, from the header's size alone, images too large or too elongated to be worth decoding. */
  private checkShape(width: number, height: number): void {
    const pixels = width * height;
    const longer = Math.max(width, height);
    if (pixels > this.maxPixels) {
      throw new ImageError('image_too_large', `Image has ${pixels} pixels, more than the limit of ${this.maxPixels}`, {
        width,
        height,
        pixels,
        max_pixels: this.maxPixels,
      });
    }
    if (longer > this.maxInputSide) {
      throw new ImageError(
        'image_too_large',
        `Image is ${width} x ${height} pixels; neither side may exceed ${this.maxInputSide}`,
        { width, height, pixels, max_side: this.maxInputSide },
      );
    }
    const aspectRatio = longer / Math.min(width, height);
    if (aspectRatio > this.maxAspectRatio) {
      throw new ImageError(
        'unsupported_aspect_ratio',
        `Image is ${width} x ${height} pixels; its sides may differ by a factor of ${this.maxAspectRatio} at most`,
        { width, height, aspect_ratio: Math.round(aspectRatio * 100) / 100, max_aspect_ratio: this.maxAspectRatio },
      );
    }
  }

  /**
   * A JPEG of at most `side` pixels on its longer side, EXIF rotation applied and metadata stripped, for
   * previews of stored photos. Call it on bytes `decode` has accepted.
   */
  async thumbnail(bytes: Buffer, side = 256): Promise<Buffer> {
    try {
      return await sharp(bytes, { limitInputPixels: this.maxPixels })
        .timeout({ seconds: this.timeoutSeconds })
        .rotate()
        .resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true })
        .jpeg({ quality: 80 })
        .toBuffer();
    } catch (error) {
      throw this.decodeFailure(sniffImageFormat(bytes) ?? 'jpeg', error);
    }
  }

  /**
   * A JPEG of the `box` region (pixels of `image`, clipped to it) of decoded pixels: face snapshots are cut from the
   * image the models saw, so no second decode of the upload is needed.
   */
  async encodeCrop(
    image: RgbImage,
    box: { x: number; y: number; width: number; height: number },
    /** At most this many pixels on the longer side (a thumbnail, quality 80, as `thumbnail` makes); default: as cut. */
    side?: number,
  ): Promise<Buffer> {
    const left = Math.min(image.width - 1, Math.max(0, Math.floor(box.x)));
    const top = Math.min(image.height - 1, Math.max(0, Math.floor(box.y)));
    const width = Math.max(1, Math.min(image.width, Math.ceil(box.x + box.width)) - left);
    const height = Math.max(1, Math.min(image.height, Math.ceil(box.y + box.height)) - top);
    const crop = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).extract({
      left,
      top,
      width,
      height,
    });
    if (side === undefined) return crop.jpeg({ quality: 90 }).toBuffer();
    return crop
      .resize({ width: side, height: side, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 80 })
      .toBuffer();
  }

  /** The EXIF orientation (1-8; 1 when there is none), from the header only. */
  async orientation(bytes: Buffer): Promise<number> {
    try {
      return (await sharp(bytes, { limitInputPixels: false }).metadata()).orientation ?? 1;
    } catch (error) {
      throw invalidImage(sniffImageFormat(bytes) ?? 'jpeg', error);
    }
  }

  /**
   * The image re-encoded upright in its own format, EXIF rotation applied and every metadata block dropped (sharp
   * keeps none unless asked). JPEG and WebP at quality 95 without chroma subsampling, PNG losslessly: stored
   * originals are embedded again by later models, so the re-encode must not shift their faces' pixels visibly.
   */
  async upright(bytes: Buffer, format: ImageFormat): Promise<Buffer> {
    const pipeline = sharp(bytes, { limitInputPixels: this.maxPixels }).rotate();
    try {
      switch (format) {
        case 'jpeg':
          return await pipeline.jpeg({ quality: 95, chromaSubsampling: '4:4:4' }).toBuffer();
        case 'png':
          return await pipeline.png().toBuffer();
        case 'webp':
          return await pipeline.webp({ quality: 95, smartSubsample: true }).toBuffer();
      }
    } catch (error) {
      throw invalidImage(format, error);
    }
  }

  /** Width and height after EXIF rotation, from the header only. */
  private async readSize(bytes: Buffer, format: ImageFormat): Promise<{ width: number; height: number }> {
    let metadata: Metadata;
    try {
      metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
    } catch (error) {
      throw invalidImage(format, error);
    }
    if (metadata.format !== format || !metadata.width || !metadata.height) {
      throw new ImageError('invalid_image', `The ${format} header could not be read`, { format });
    }
    const swap = (metadata.orientation ?? 1) >= 5;
    return swap
      ? { width: metadata.height, height: metadata.width }
      : { width: metadata.width, height: metadata.height };
  }

  private async decodePixels(
    bytes: Buffer,
    format: ImageFormat,
    originalWidth: number,
    originalHeight: number,
  ): Promise<DecodedImage> {
    let pipeline = sharp(bytes, { limitInputPixels: this.maxPixels, failOn: 'truncated' })
      .timeout({ seconds: this.timeoutSeconds })
      .rotate();
    if (this.maxSide > 0 && Math.max(originalWidth, originalHeight) > this.maxSide) {
      pipeline = pipeline.resize({ width: this.maxSide, height: this.maxSide, fit: 'inside' });
    }
    try {
      const { data, info } = await pipeline
        .removeAlpha()
        .toColourspace('srgb')
        .raw({ depth: 'uchar' })
        .toBuffer({ resolveWithObject: true });
      if (info.channels !== 3 || data.length !== info.width * info.height * 3) {
        throw new Error(`unexpected decoder output: ${info.channels} channels`);
      }
      return {
        width: info.width,
        height: info.height,
        data: new Uint8Array(data.buffer, data.byteOffset, data.length),
        format,
        originalWidth,
        originalHeight,
        scale: info.width / originalWidth,
      };
    } catch (error) {
      throw this.decodeFailure(format, error);
    }
  }

  private decodeFailure(format: ImageFormat, error: unknown): ImageError {
    if (error instanceof Error && /pixel limit/i.test(error.message)) {
      return new ImageError('image_too_large', 'Image exceeds the pixel limit', { max_pixels: this.maxPixels });
    }
    if (error instanceof Error && /^timeout/i.test(error.message)) {
      return new ImageError(
        'image_decode_timeout',
        `The ${format} image took longer than ${this.timeoutSeconds} s to decode`,
        { format, timeout_seconds: this.timeoutSeconds },
        { cause: error },
      );
    }
    return invalidImage(format, error);
  }
}

function invalidImage(format: ImageFormat, cause: unknown): ImageError {
  const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
  return new ImageError('invalid_image', `The ${format} image is truncated or corrupt`, { format, reason }, { cause });
}
