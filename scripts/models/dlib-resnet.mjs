// The dlib ResNet-29 face descriptor (dlib_face_recognition_resnet_model_v1) as an ONNX graph, from the weights
// that @vladmandic/face-api ships (model/face_recognition_model.*). Layer structure as in face-api's
// src/faceRecognitionNet: conv → bias → per-channel scale (affine) → ReLU; residual blocks; "down" blocks whose
// shortcut is a 2x2 average pool, zero-padded in channels (and the main path zero-padded at the bottom/right when
// the valid stride-2 convolution comes out one row/column smaller than the pool).
import { GraphBuilder } from './onnx-writer.mjs';

export const DLIB_INPUT_SIZE = 150;
const MEAN_RGB = [122.782, 117.001, 104.298];

const BLOCKS = [
  ['conv32_1', false],
  ['conv32_2', false],
  ['conv32_3', false],
  ['conv64_down', true],
  ['conv64_1', false],
  ['conv64_2', false],
  ['conv64_3', false],
  ['conv128_down', true],
  ['conv128_1', false],
  ['conv128_2', false],
  ['conv256_down', true],
  ['conv256_1', false],
  ['conv256_2', false],
  ['conv256_down_out', true],
];

/** Folds conv bias and the following scale layer into the convolution: w' = w*s, b' = b*s + beta. */
function foldedConv(weights, prefix) {
  const get = (name) => {
    const w = weights.get(`${prefix}/${name}`);
    if (!w) throw new Error(`Missing weight ${prefix}/${name}`);
    return w;
  };
  const filters = get('conv/filters');
  const [kh, kw, cin, cout] = filters.shape;
  const bias = get('conv/bias').data;
  const scale = get('scale/weights').data;
  const shift = get('scale/biases').data;
  // TF.js filters are [kh, kw, in, out]; ONNX Conv wants [out, in, kh, kw].
  const w = new Float32Array(cout * cin * kh * kw);
  for (let y = 0; y < kh; y += 1) {
    for (let x = 0; x < kw; x += 1) {
      for (let i = 0; i < cin; i += 1) {
        for (let o = 0; o < cout; o += 1) {
          w[((o * cin + i) * kh + y) * kw + x] = filters.data[((y * kw + x) * cin + i) * cout + o] * scale[o];
        }
      }
    }
  }
  const b = Float32Array.from(bias, (v, o) => v * scale[o] + shift[o]);
  return { w, b, dims: [cout, cin, kh, kw] };
}

function conv(g, x, weights, prefix, { stride, pad, relu }) {
  const { w, b, dims } = foldedConv(weights, prefix);
  const wName = g.constant(`${prefix}/W`, dims, w);
  const bName = g.constant(`${prefix}/B`, [dims[0]], b);
  const attrs = { kernel_shape: [dims[2], dims[3]], strides: [stride, stride], pads: [pad, pad, pad, pad] };
  const y = g.node('Conv', [x, wName, bName], attrs);
  return { out: relu ? g.node('Relu', [y]) : y, channels: dims[0] };
}

/** Spatial size after a valid conv / pool of kernel k and stride s. */
const validSize = (n, k, s) => Math.floor((n - k) / s) + 1;

function residual(g, x, weights, prefix) {
  const a = conv(g, x, weights, `${prefix}/conv1`, { stride: 1, pad: 1, relu: true });
  const b = conv(g, a.out, weights, `${prefix}/conv2`, { stride: 1, pad: 1, relu: false });
  return { out: g.node('Relu', [g.node('Add', [b.out, x])]), channels: b.channels };
}

function residualDown(g, x, weights, prefix, size, channels) {
  const a = conv(g, x, weights, `${prefix}/conv1`, { stride: 2, pad: 0, relu: true });
  let main = conv(g, a.out, weights, `${prefix}/conv2`, { stride: 1, pad: 1, relu: false }).out;
  const outChannels = weights.get(`${prefix}/conv2/conv/filters`).shape[3];
  const convSize = validSize(size, 3, 2);
  const poolSize = validSize(size, 2, 2);
  if (convSize !== poolSize) {
    // face-api appends one zero row and one zero column to the main path.
    const extra = poolSize - convSize;
    if (extra !== 1) throw new Error(`${prefix}: unexpected size mismatch ${convSize} vs ${poolSize}`);
    main = g.node('Pad', [main, g.int64s(`${prefix}/main_pads`, [0, 0, 0, 0, 0, 0, 1, 1])], { mode: 'constant' });
  }
  let shortcut = g.node('AveragePool', [x], { kernel_shape: [2, 2], strides: [2, 2] });
  if (outChannels !== channels) {
    const pads = [0, 0, 0, 0, 0, outChannels - channels, 0, 0];
    shortcut = g.node('Pad', [shortcut, g.int64s(`${prefix}/shortcut_pads`, pads)], { mode: 'constant' });
  }
  return { out: g.node('Relu', [g.node('Add', [shortcut, main])]), channels: outChannels, size: poolSize };
}

/**
 * The input of face-api's nets: `input` float32 [batch, size, size, 3] NHWC RGB 0-255, returned NCHW with face-api's
 * mean RGB subtracted and divided by 255, as the nets were trained.
 * @param {GraphBuilder} g
 * @param {number} size input side
 * @returns {string} the normalised tensor
 */
export function faceApiInput(g, size) {
  const input = g.input('input', ['batch', size, size, 3]);
  const nchw = g.node('Transpose', [input], { perm: [0, 3, 1, 2] });
  const mean = g.constant('mean_rgb', [1, 3, 1, 1], Float32Array.from(MEAN_RGB));
  const divisor = g.constant('divisor', [1], Float32Array.of(255));
  return g.node('Div', [g.node('Sub', [nchw, mean]), divisor]);
}

/**
 * Builds the dlib ResNet-29 descriptor graph.
 * Input `input`: float32 [batch, 150, 150, 3], NHWC, RGB, raw 0-255 (mean subtraction and /255 are in the graph).
 * Output `descriptor`: float32 [batch, 128], the raw dlib descriptor (not normalised).
 * @param {Map<string, {shape: number[], data: Float32Array}>} weights decoded face-api weights
 * @returns {GraphBuilder}
 */
export function buildDlibResnetGraph(weights) {
  const g = new GraphBuilder('dlib_face_recognition_resnet_model_v1');
  const normalised = faceApiInput(g, DLIB_INPUT_SIZE);

  let x = conv(g, normalised, weights, 'conv32_down', { stride: 2, pad: 0, relu: true });
  let size = validSize(DLIB_INPUT_SIZE, 7, 2);
  let out = g.node('MaxPool', [x.out], { kernel_shape: [3, 3], strides: [2, 2] });
  let channels = x.channels;
  size = validSize(size, 3, 2);
  for (const [prefix, down] of BLOCKS) {
    if (down) {
      const r = residualDown(g, out, weights, prefix, size, channels);
      ({ out, channels, size } = r);
    } else {
      out = residual(g, out, weights, prefix).out;
    }
  }
  const pooled = g.node('ReduceMean', [out], { axes: [2, 3], keepdims: 0 });
  const fc = weights.get('fc');
  g.node('MatMul', [pooled, g.constant('fc', fc.shape, fc.data)], {}, 'descriptor');
  g.output('descriptor', ['batch', fc.shape[1]]);
  return g;
}
