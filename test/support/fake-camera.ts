import { writeFileSync } from 'node:fs';
import sharp from 'sharp';

/**
 * Writes a YUV4MPEG2 (.y4m) video of `frames` identical frames showing the photo, for Chromium's fake camera
 * (`--use-file-for-fake-video-capture`, which plays the file in a loop). The photo is cropped from its top to 4:3
 * (portraits keep the head) and scaled to width x height; colours go to BT.601 limited-range YUV 4:2:0.
 */
export async function writeY4m(photoPath: string, outPath: string, width = 640, height = 480, frames = 5) {
  const image = sharp(photoPath).rotate();
  const { width: sourceWidth = width, height: sourceHeight = height } = await image.metadata();
  const cropHeight = Math.min(sourceHeight, Math.round((sourceWidth * height) / width));
  const cropWidth = Math.min(sourceWidth, Math.round((cropHeight * width) / height));
  const rgb = await image
    .extract({ left: Math.floor((sourceWidth - cropWidth) / 2), top: 0, width: cropWidth, height: cropHeight })
    .resize(width, height)
    .removeAlpha()
    .raw()
    .toBuffer();
  const y = Buffer.alloc(width * height);
  const u = Buffer.alloc((width / 2) * (height / 2));
  const v = Buffer.alloc((width / 2) * (height / 2));
  const clamp = (value: number) => Math.max(0, Math.min(255, Math.round(value)));
  for (let row = 0; row < height; row++) {
    for (let column = 0; column < width; column++) {
      const at = (row * width + column) * 3;
      const [r, g, b] = [rgb[at], rgb[at + 1], rgb[at + 2]];
      y[row * width + column] = clamp(16 + 0.257 * r + 0.504 * g + 0.098 * b);
      if (row % 2 === 0 && column % 2 === 0) {
        const chroma = (row / 2) * (width / 2) + column / 2;
        u[chroma] = clamp(128 - 0.148 * r - 0.291 * g + 0.439 * b);
        v[chroma] = clamp(128 + 0.439 * r - 0.368 * g - 0.071 * b);
      }
    }
  }
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, u, v]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  writeFileSync(outPath, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
}
