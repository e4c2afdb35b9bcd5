// Reads TF.js weight files (weights manifest + concatenated .bin shards) into typed arrays.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const BYTES = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2 };

/** IEEE 754 half-precision bits to a number (exact: every float16 is a float32). */
function halfToFloat(bits) {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function decodeEntry(entry, view, offset) {
  const count = entry.shape.reduce((a, b) => a * b, 1);
  const q = entry.quantization;
  const storedType = q ? q.dtype : entry.dtype;
  if (!BYTES[storedType]) throw new Error(`Unsupported weight dtype ${storedType} (${entry.name})`);
  const out = entry.dtype === 'int32' && !q ? new Int32Array(count) : new Float32Array(count);
  for (let i = 0; i < count; i += 1) {
    const at = offset + i * BYTES[storedType];
    if (q && 'min' in q) {
      // Affine quantisation: value = byte * scale + min (computed in double, stored as float32 like TF.js).
      const raw = storedType === 'uint8' ? view.getUint8(at) : view.getUint16(at, true);
      out[i] = raw * q.scale + q.min;
    } else if (q && storedType === 'float16') {
      out[i] = halfToFloat(view.getUint16(at, true));
    } else if (q) {
      throw new Error(`Unsupported quantisation of ${entry.name}: ${JSON.stringify(q)}`);
    } else if (storedType === 'int32') {
      out[i] = view.getInt32(at, true);
    } else {
      out[i] = view.getFloat32(at, true);
    }
  }
  return { shape: entry.shape, data: out, byteLength: count * BYTES[storedType] };
}

/**
 * Decodes every weight of a TF.js weights manifest.
 * @param {Array<{paths: string[], weights: object[]}>} manifest the `weightsManifest` array
 * @param {string} dir folder holding the shard files named in `paths`
 * @returns {Map<string, {shape: number[], data: Float32Array | Int32Array}>} weights by name
 */
export function readTfjsWeights(manifest, dir) {
  const weights = new Map();
  for (const group of manifest) {
    const bin = Buffer.concat(group.paths.map((p) => readFileSync(join(dir, p))));
    const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
    let offset = 0;
    for (const entry of group.weights) {
      const { shape, data, byteLength } = decodeEntry(entry, view, offset);
      weights.set(entry.name, { shape, data });
      offset += byteLength;
    }
    if (offset !== bin.byteLength) throw new Error(`Weights of ${group.paths} use ${offset} of ${bin.byteLength} bytes`);
  }
  return weights;
}
