// Converts a TF.js graph model (model.json topology + weights) to an ONNX graph, op by op.
// TF.js activations are NHWC; ONNX convolutions are NCHW. Every 4-D activation is therefore kept in NCHW inside the
// ONNX graph (one Transpose after the input, one before any Reshape), and NHWC attributes (axes, paddings) are mapped.
import { GraphBuilder } from './onnx-writer.mjs';

const NHWC_TO_NCHW_AXIS = [0, 2, 3, 1];

const decodeString = (attr) => (attr?.s ? Buffer.from(attr.s, 'base64').toString('utf8') : undefined);
const intList = (attr) => (attr?.list?.i ?? []).map(Number);

/** TF padding arithmetic: [before, after] and output size for one spatial axis. */
function tfPads(padding, size, kernel, stride, dilation) {
  const effective = (kernel - 1) * dilation + 1;
  if (padding === 'VALID') return { pads: [0, 0], out: Math.floor((size - effective) / stride) + 1 };
  if (padding !== 'SAME') throw new Error(`Unsupported padding ${padding}`);
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + effective - size, 0);
  return { pads: [Math.floor(total / 2), total - Math.floor(total / 2)], out };
}

class Converter {
  constructor(modelJson, weights, name, dynamicBatch, dynamicSize) {
    this.g = new GraphBuilder(name);
    this.weights = weights;
    this.dynamicBatch = dynamicBatch || dynamicSize;
    this.dynamicSize = dynamicSize;
    this.folded = new Map(); // TF node name → { shape, data } of values known at conversion time (shapes, indices)
    this.tensors = new Map(); // TF node name → { name, shape, nchw }
    this.nodes = modelJson.modelTopology.node;
  }

  tensor(tfName) {
    const key = tfName.replace(/:0$/, '').replace(/^\^/, '');
    const t = this.tensors.get(key);
    if (!t) throw new Error(`Unknown tensor ${tfName}`);
    return t;
  }

  constValue(tfName) {
    const key = tfName.replace(/:0$/, '');
    const w = this.folded.get(key) ?? this.weights.get(key);
    if (!w) throw new Error(`No weights for constant ${tfName}`);
    return w;
  }

  /** Per-channel vector (bias, PReLU alpha) shaped [C, 1, 1] to broadcast over NCHW. */
  channelConst(tfName, label) {
    const { data } = this.constValue(tfName);
    return this.g.constant(`${label}`, [data.length, 1, 1], Float32Array.from(data));
  }

  conv(node, depthwise) {
    const [xName, filterName, ...extra] = node.input;
    const x = this.tensor(xName);
    const filter = this.constValue(filterName);
    const [kh, kw, cin, m] = filter.shape;
    const cout = depthwise ? cin * m : m;
    const w = new Float32Array(cout * (depthwise ? 1 : cin) * kh * kw);
    for (let y = 0; y < kh; y += 1) {
      for (let xx = 0; xx < kw; xx += 1) {
        for (let i = 0; i < cin; i += 1) {
          for (let o = 0; o < m; o += 1) {
            const src = filter.data[((y * kw + xx) * cin + i) * m + o];
            const dst = depthwise ? ((i * m + o) * kh + y) * kw + xx : ((o * cin + i) * kh + y) * kw + xx;
            w[dst] = src;
          }
        }
      }
    }
    const strides = intList(node.attr.strides).slice(1, 3);
    const dilations = intList(node.attr.dilations).slice(1, 3);
    const padding = decodeString(node.attr.padding);
    const [, , h, wd] = x.shape;
    const ph = tfPads(padding, h, kh, strides[0], dilations[0] || 1);
    const pw = tfPads(padding, wd, kw, strides[1], dilations[1] || 1);
    const fusedOps = (node.attr.fused_ops?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));
    const inputs = [x.name, this.g.constant(`${node.name}/W`, [cout, depthwise ? 1 : cin, kh, kw], w)];
    if (fusedOps[0] === 'BiasAdd') inputs.push(this.g.constant(`${node.name}/B`, [cout], Float32Array.from(this.constValue(extra[0]).data)));
    else if (fusedOps.length > 0) throw new Error(`${node.name}: fused ops ${fusedOps} without BiasAdd`);
    const attrs = {
      kernel_shape: [kh, kw],
      strides,
      dilations: dilations.map((d) => d || 1),
      pads: [ph.pads[0], pw.pads[0], ph.pads[1], pw.pads[1]],
      group: depthwise ? cin : 1,
    };
    let out = this.g.node('Conv', inputs, attrs);
    out = this.activation(node, fusedOps[1], out, extra[1]);
    return { name: out, shape: [x.shape[0], cout, ph.out, pw.out], nchw: true };
  }

  activation(node, op, x, alphaName) {
    switch (op) {
      case undefined:
        return x;
      case 'Relu':
        return this.g.node('Relu', [x]);
      case 'Relu6':
        return this.g.node('Clip', [x, this.g.constant(`${node.name}/min`, [], Float32Array.of(0)), this.g.constant(`${node.name}/max`, [], Float32Array.of(6))]);
      case 'Prelu':
        return this.g.node('PRelu', [x, this.channelConst(alphaName, `${node.name}/alpha`)]);
      default:
        throw new Error(`${node.name}: unsupported fused activation ${op}`);
    }
  }

  pool(node, op) {
    const x = this.tensor(node.input[0]);
    const [, kh, kw] = intList(node.attr.ksize);
    const strides = intList(node.attr.strides).slice(1, 3);
    const padding = decodeString(node.attr.padding);
    const ph = tfPads(padding, x.shape[2], kh, strides[0], 1);
    const pw = tfPads(padding, x.shape[3], kw, strides[1], 1);
    const attrs = { kernel_shape: [kh, kw], strides, pads: [ph.pads[0], pw.pads[0], ph.pads[1], pw.pads[1]] };
    return { name: this.g.node(op, [x.name], attrs), shape: [x.shape[0], x.shape[1], ph.out, pw.out], nchw: true };
  }

  pad(node) {
    const x = this.tensor(node.input[0]);
    const p = Array.from(this.constValue(node.input[1]).data);
    const axes = x.nchw ? NHWC_TO_NCHW_AXIS : [...x.shape.keys()];
    const before = new Array(x.shape.length).fill(0);
    const after = new Array(x.shape.length).fill(0);
    axes.forEach((onnxAxis, tfAxis) => {
      before[onnxAxis] = p[tfAxis * 2];
      after[onnxAxis] = p[tfAxis * 2 + 1];
    });
    const pads = this.g.int64s(`${node.name}/pads`, [...before, ...after]);
    const shape = x.shape.map((d, i) => d + before[i] + after[i]);
    return { name: this.g.node('Pad', [x.name, pads], { mode: 'constant' }), shape, nchw: x.nchw };
  }

  reshape(node) {
    let x = this.tensor(node.input[0]);
    if (x.nchw) {
      const [n, c, h, w] = x.shape;
      x = { name: this.g.node('Transpose', [x.name], { perm: [0, 2, 3, 1] }), shape: [n, h, w, c], nchw: false };
    }
    const target = Array.from(this.constValue(node.input[1]).data);
    const total = x.shape.reduce((a, b) => a * b, 1);
    const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const shape = target.map((d) => (d === -1 ? total / known : d));
    // With a dynamic batch the first dimension (1 while converting) is left for onnxruntime to infer; with a dynamic
    // image size the batch is copied (0) and the second dimension, the flattened cells, inferred (-1).
    if (this.dynamicBatch && shape[0] !== 1) throw new Error(`${node.name}: reshape changes the batch dimension`);
    if (this.dynamicSize && shape.length !== 3) throw new Error(`${node.name}: only [batch, cells, values] reshapes`);
    const written = this.dynamicSize ? [0, -1, shape[2]] : this.dynamicBatch ? [-1, ...shape.slice(1)] : shape;
    const name = this.g.node('Reshape', [x.name, this.g.int64s(`${node.name}/shape`, written)]);
    return { name, shape, nchw: false };
  }

  binary(node, op) {
    const [a, b] = node.input.map((n) => this.tensor(n));
    if (a.nchw !== b.nchw || a.shape.join() !== b.shape.join()) throw new Error(`${node.name}: operands differ in shape`);
    return { name: this.g.node(op, [a.name, b.name]), shape: a.shape, nchw: a.nchw };
  }

  concat(node) {
    const inputs = node.input.slice(0, -1).map((n) => this.tensor(n));
    let axis = Number(this.constValue(node.input.at(-1)).data[0]);
    const rank = inputs[0].shape.length;
    if (axis < 0) axis += rank;
    if (inputs[0].nchw) axis = NHWC_TO_NCHW_AXIS[axis];
    const shape = [...inputs[0].shape];
    shape[axis] = inputs.reduce((s, t) => s + t.shape[axis], 0);
    return { name: this.g.node('Concat', inputs.map((t) => t.name), { axis }), shape, nchw: inputs[0].nchw };
  }

  /** TF ResizeBilinear (half_pixel_centers, no align_corners) as ONNX Resize with scales, so any batch works. */
  resizeBilinear(node) {
    const x = this.tensor(node.input[0]);
    const [outH, outW] = Array.from(this.constValue(node.input[1]).data);
    if (!x.nchw) throw new Error(`${node.name}: resize of a non-image tensor`);
    if (node.attr.align_corners?.b || !node.attr.half_pixel_centers?.b)
      throw new Error(`${node.name}: only half_pixel_centers resizing is supported`);
    const [n, c, h, w] = x.shape;
    const scales = this.g.constant(`${node.name}/scales`, [4], Float32Array.of(1, 1, outH / h, outW / w));
    const attrs = { mode: 'linear', coordinate_transformation_mode: 'half_pixel' };
    const name = this.g.node('Resize', [x.name, '', scales], attrs);
    return { name, shape: [n, c, outH, outW], nchw: true };
  }

  /** TF DepthToSpace on NHWC is ONNX DepthToSpace in DCR mode on NCHW (same channel order). */
  depthToSpace(node) {
    const x = this.tensor(node.input[0]);
    const blocksize = Number(node.attr.block_size.i);
    if (!x.nchw || decodeString(node.attr.data_format) !== 'NHWC') throw new Error(`${node.name}: NHWC only`);
    const [n, c, h, w] = x.shape;
    const name = this.g.node('DepthToSpace', [x.name], { blocksize, mode: 'DCR' });
    return { name, shape: [n, c / (blocksize * blocksize), h * blocksize, w * blocksize], nchw: true };
  }

  /** Shape of a tensor (TF's NHWC order, batch 1) as a value known at conversion time. */
  foldShape(node) {
    const x = this.tensor(node.input[0]);
    const [n, c, h, w] = x.shape;
    const shape = x.nchw ? [n, h, w, c] : x.shape;
    this.folded.set(node.name, { shape: [shape.length], data: Int32Array.from(shape) });
  }

  /** StridedSlice of a 1-D known value (masks for begin, end and shrinking one axis). */
  foldStridedSlice(node) {
    const [x, begin, end, strides] = node.input.map((n) => Array.from(this.constValue(n).data));
    const bit = (name) => Number(node.attr[name]?.i ?? 0) & 1;
    if (bit('ellipsis_mask') || bit('new_axis_mask') || strides[0] !== 1)
      throw new Error(`${node.name}: unsupported StridedSlice`);
    const from = bit('begin_mask') ? 0 : begin[0] < 0 ? begin[0] + x.length : begin[0];
    const to = bit('end_mask') ? x.length : end[0] < 0 ? end[0] + x.length : end[0];
    const data = bit('shrink_axis_mask') ? [x[from]] : x.slice(from, to);
    this.folded.set(node.name, { shape: bit('shrink_axis_mask') ? [] : [data.length], data: Int32Array.from(data) });
  }

  /** Pack of known scalars into a vector. */
  foldPack(node) {
    const data = node.input.flatMap((n) => Array.from(this.constValue(n).data));
    this.folded.set(node.name, { shape: [data.length], data: Int32Array.from(data) });
  }

  unary(node, op) {
    const x = this.tensor(node.input[0]);
    return { ...x, name: this.g.node(op, [x.name]) };
  }

  convertNode(node) {
    switch (node.op) {
      case 'Const':
        return undefined; // read from the weights when an op needs it
      case 'Identity':
        return this.tensor(node.input[0]);
      case '_FusedConv2D':
      case 'Conv2D':
        return this.conv(node, false);
      case 'FusedDepthwiseConv2dNative':
      case 'DepthwiseConv2dNative':
        return this.conv(node, true);
      case 'MaxPool':
        return this.pool(node, 'MaxPool');
      case 'AvgPool':
        return this.pool(node, 'AveragePool');
      case 'Pad':
        return this.pad(node);
      case 'Reshape':
        return this.reshape(node);
      case 'ConcatV2':
        return this.concat(node);
      case 'AddV2':
      case 'Add':
        return this.binary(node, 'Add');
      case 'Mul':
        return this.binary(node, 'Mul');
      case 'Sub':
        return this.binary(node, 'Sub');
      case 'Relu':
      case 'Sigmoid':
      case 'Tanh':
        return this.unary(node, node.op);
      case 'ResizeBilinear':
        return this.resizeBilinear(node);
      case 'DepthToSpace':
        return this.depthToSpace(node);
      case 'Shape':
        return this.foldShape(node);
      case 'StridedSlice':
        return this.foldStridedSlice(node);
      case 'Pack':
        return this.foldPack(node);
      case 'Relu6':
        return { ...this.tensor(node.input[0]), name: this.activation(node, 'Relu6', this.tensor(node.input[0]).name) };
      default:
        throw new Error(`Unsupported TF.js op ${node.op} (${node.name})`);
    }
  }
}

/**
 * Converts a TF.js graph model with one NHWC image input to ONNX.
 * @param {object} modelJson parsed model.json (`modelTopology.node` list)
 * @param {Map<string, {shape: number[], data: Float32Array | Int32Array}>} weights decoded weights
 * @param {{ name: string, inputName: string, preprocess?: (g: GraphBuilder, x: string) => string,
 *   dynamicBatch?: boolean }} options
 *   `preprocess` maps the raw ONNX input (NHWC) to what the TF.js graph expects, e.g. scaling to [-1, 1];
 *   `dynamicBatch` declares the input's batch as 'batch' (several images per run) instead of the model's own;
 *   `dynamicSize` also its height and width (any multiple of the network's total stride; shapes are tracked at the
 *   model's own size, and reshapes must flatten the cells into dimension 1)
 * @returns {{ graph: GraphBuilder, tensor: (tfName: string) => { name: string, shape: number[] } }}
 */
export function convertTfjsGraph(
  modelJson,
  weights,
  { name, inputName, preprocess = (_g, x) => x, dynamicBatch = false, dynamicSize = false },
) {
  const c = new Converter(modelJson, weights, name, dynamicBatch, dynamicSize);
  for (const node of c.nodes) {
    if (node.op === 'Placeholder') {
      // Shapes are tracked with batch 1; a dynamic batch is declared on the input and left to onnxruntime.
      const shape = node.attr.shape.shape.dim.map((d, i) => (i === 0 ? 1 : Number(d.size)));
      const declared = dynamicSize
        ? ['batch', 'height', 'width', shape[3]]
        : dynamicBatch
          ? ['batch', ...shape.slice(1)]
          : shape;
      const raw = c.g.input(inputName, declared);
      const x = c.g.node('Transpose', [preprocess(c.g, raw)], { perm: [0, 3, 1, 2] });
      const [n, h, w, ch] = shape;
      c.tensors.set(node.name, { name: x, shape: [n, ch, h, w], nchw: true });
      continue;
    }
    const out = c.convertNode(node);
    if (out) c.tensors.set(node.name, out);
  }
  return { graph: c.g, tensor: (tfName) => c.tensor(tfName) };
}
