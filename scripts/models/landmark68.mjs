// face-api's 68-point face landmark net (FaceLandmark68Net) as an ONNX graph, from the weights @vladmandic/face-api
// ships (model/face_landmark_68_model.*). Layer structure as in face-api's FaceFeatureExtractor and
// FaceLandmark68Net: four dense blocks (the first opening with a plain 3x3 convolution, the others with depthwise
// separable ones; each block's later convolutions read the ReLU of the sum of all earlier outputs of the block),
// a 7x7 average pool and one fully connected layer to 136 values: x, y of each point, as shares of the input side.
import { faceApiInput } from './dlib-resnet.mjs';
import { GraphBuilder } from './onnx-writer.mjs';

export const LANDMARK_INPUT_SIZE = 112;
const BLOCKS = ['dense0', 'dense1', 'dense2', 'dense3'];

function weight(weights, name) {
  const w = weights.get(name);
  if (!w) throw new Error(`Missing weight ${name}`);
  return w;
}

/** TF.js filters [kh, kw, in, out] as ONNX Conv weights [out, in, kh, kw]. */
function toOihw({ shape: [kh, kw, cin, cout], data }) {
  const w = new Float32Array(data.length);
  for (let y = 0; y < kh; y += 1) {
    for (let x = 0; x < kw; x += 1) {
      for (let i = 0; i < cin; i += 1) {
        for (let o = 0; o < cout; o += 1) w[((o * cin + i) * kh + y) * kw + x] = data[((y * kw + x) * cin + i) * cout + o];
      }
    }
  }
  return { w, dims: [cout, cin, kh, kw] };
}

/** TF 'same' padding of a 3x3 convolution: [begin, end] per axis (stride 2 on an even side pads the end only). */
function samePads(size, stride) {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + 3 - size, 0);
  const begin = Math.floor(total / 2);
  return [begin, begin, total - begin, total - begin];
}

/** A plain 3x3 convolution with bias. */
function conv(g, x, weights, prefix, size, stride) {
  const { w, dims } = toOihw(weight(weights, `${prefix}/filters`));
  const bias = weight(weights, `${prefix}/bias`);
  const attrs = { kernel_shape: [3, 3], strides: [stride, stride], pads: samePads(size, stride) };
  return g.node('Conv', [x, g.constant(`${prefix}/W`, dims, w), g.constant(`${prefix}/B`, [dims[0]], bias.data)], attrs);
}

/** TF's separableConv2d + bias: a 3x3 depthwise convolution (the stride is here), then a 1x1 one with the bias. */
function separable(g, x, weights, prefix, size, stride) {
  const depthwise = weight(weights, `${prefix}/depthwise_filter`); // [3, 3, channels, 1]
  const channels = depthwise.shape[2];
  const dw = new Float32Array(depthwise.data.length);
  for (let y = 0; y < 3; y += 1) {
    for (let xx = 0; xx < 3; xx += 1) {
      for (let c = 0; c < channels; c += 1) dw[(c * 3 + y) * 3 + xx] = depthwise.data[(y * 3 + xx) * channels + c];
    }
  }
  const spatial = g.node('Conv', [x, g.constant(`${prefix}/DW`, [channels, 1, 3, 3], dw)], {
    kernel_shape: [3, 3],
    strides: [stride, stride],
    pads: samePads(size, stride),
    group: channels,
  });
  const { w, dims } = toOihw(weight(weights, `${prefix}/pointwise_filter`));
  const bias = weight(weights, `${prefix}/bias`);
  return g.node('Conv', [spatial, g.constant(`${prefix}/PW`, dims, w), g.constant(`${prefix}/B`, [dims[0]], bias.data)], {
    kernel_shape: [1, 1],
  });
}

function denseBlock(g, x, weights, prefix, size, first) {
  const open = first ? conv : separable;
  const out1 = g.node('Relu', [open(g, x, weights, `${prefix}/conv0`, size, 2)]);
  const half = Math.ceil(size / 2);
  const out2 = separable(g, out1, weights, `${prefix}/conv1`, half, 1);
  const sum2 = g.node('Add', [out1, out2]);
  const out3 = separable(g, g.node('Relu', [sum2]), weights, `${prefix}/conv2`, half, 1);
  const sum3 = g.node('Add', [sum2, out3]);
  const out4 = separable(g, g.node('Relu', [sum3]), weights, `${prefix}/conv3`, half, 1);
  return { out: g.node('Relu', [g.node('Add', [sum3, out4])]), size: half };
}

/**
 * Builds the 68-point landmark graph.
 * Input `input`: float32 [batch, 112, 112, 3], NHWC, RGB, raw 0-255 (a square crop around the face; mean subtraction
 * and /255 are in the graph). Output `landmarks`: float32 [batch, 136], x0, y0, x1, y1, … as shares (0-1) of the
 * crop's side, in the order of the iBUG 300-W markup (jaw 0-16, brows 17-26, nose 27-35, eyes 36-47, mouth 48-67).
 * @param {Map<string, {shape: number[], data: Float32Array}>} weights decoded face-api weights
 * @returns {GraphBuilder}
 */
export function buildLandmark68Graph(weights) {
  const g = new GraphBuilder('face_landmark_68');
  let out = faceApiInput(g, LANDMARK_INPUT_SIZE);
  let size = LANDMARK_INPUT_SIZE;
  BLOCKS.forEach((prefix, i) => ({ out, size } = denseBlock(g, out, weights, prefix, size, i === 0)));
  if (size !== 7) throw new Error(`landmark net: expected 7x7 features, got ${size}x${size}`);
  const pooled = g.node('Flatten', [g.node('AveragePool', [out], { kernel_shape: [7, 7], strides: [2, 2] })]);
  const fc = weight(weights, 'fc/weights');
  const product = g.node('MatMul', [pooled, g.constant('fc/W', fc.shape, fc.data)]);
  g.node('Add', [product, g.constant('fc/B', [fc.shape[1]], weight(weights, 'fc/bias').data)], {}, 'landmarks');
  g.output('landmarks', ['batch', fc.shape[1]]);
  return g;
}
