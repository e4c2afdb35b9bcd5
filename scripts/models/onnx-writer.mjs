// A small ONNX writer: the subset of onnx.proto (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto) needed to
// serialise a feed-forward graph with float32/int64 initialisers, described as protobufjs reflection JSON.
import protobuf from 'protobufjs';

/** ONNX TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7 };

const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 };

const onnxSubset = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            ir_version: { type: 'int64', id: 1 },
            producer_name: { type: 'string', id: 2 },
            producer_version: { type: 'string', id: 3 },
            domain: { type: 'string', id: 4 },
            model_version: { type: 'int64', id: 5 },
            doc_string: { type: 'string', id: 6 },
            graph: { type: 'GraphProto', id: 7 },
            opset_import: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            metadata_props: { rule: 'repeated', type: 'StringStringEntryProto', id: 14 },
          },
        },
        OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
        StringStringEntryProto: { fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            doc_string: { type: 'string', id: 10 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            op_type: { type: 'string', id: 4 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            floats: { rule: 'repeated', type: 'float', id: 7 },
            ints: { rule: 'repeated', type: 'int64', id: 8 },
            type: { type: 'int32', id: 20 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            data_type: { type: 'int32', id: 2 },
            name: { type: 'string', id: 8 },
            raw_data: { type: 'bytes', id: 9 },
          },
        },
        ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
        TypeProto: { fields: { tensor_type: { type: 'TypeProtoTensor', id: 1 } } },
        TypeProtoTensor: { fields: { elem_type: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } },
        TensorShapeProto: { fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } } },
        Dimension: { fields: { dim_value: { type: 'int64', id: 1 }, dim_param: { type: 'string', id: 2 } } },
      },
    },
  },
};

const ModelProto = protobuf.Root.fromJSON(onnxSubset).lookupType('onnx.ModelProto');

/** Wraps a number so it is written as a FLOAT attribute even when it is an integer. */
export function float(value) {
  return { float: value };
}

function toAttribute(name, value) {
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: Buffer.from(value, 'utf8') };
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { name, type: AttributeType.INT, i: value } : { name, type: AttributeType.FLOAT, f: value };
  }
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if (value && typeof value.float === 'number') return { name, type: AttributeType.FLOAT, f: value.float };
  if (value && Array.isArray(value.floats)) return { name, type: AttributeType.FLOATS, floats: value.floats };
  throw new Error(`Unsupported attribute value for ${name}: ${JSON.stringify(value)}`);
}

function valueInfo(name, shape) {
  const dim = shape.map((d) => (typeof d === 'string' ? { dim_param: d } : { dim_value: d }));
  return { name, type: { tensor_type: { elem_type: DataType.FLOAT, shape: { dim } } } };
}

/** Builds an ONNX graph node by node; tensor names are strings, initialisers are typed arrays. */
export class GraphBuilder {
  /** @param {string} name graph name */
  constructor(name) {
    this.name = name;
    this.nodes = [];
    this.initializers = [];
    this.inputs = [];
    this.outputs = [];
    this.counter = 0;
  }

  /** Returns a fresh tensor name with the given prefix. */
  fresh(prefix) {
    this.counter += 1;
    return `${prefix}_${this.counter}`;
  }

  /** Declares a float32 graph input; string dims are symbolic (e.g. 'batch'). */
  input(name, shape) {
    this.inputs.push(valueInfo(name, shape));
    return name;
  }

  /** Declares a float32 graph output. */
  output(name, shape) {
    this.outputs.push(valueInfo(name, shape));
    return name;
  }

  /**
   * Adds a constant tensor.
   * @param {string} name
   * @param {number[]} dims
   * @param {Float32Array | BigInt64Array} data float32 or int64 values
   * @returns {string} the name
   */
  constant(name, dims, data) {
    const count = dims.reduce((a, b) => a * b, 1);
    if (data.length !== count) throw new Error(`Constant ${name}: ${data.length} values for dims [${dims}]`);
    const dataType = data instanceof BigInt64Array ? DataType.INT64 : DataType.FLOAT;
    const bytes = Buffer.alloc(data.byteLength);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    data.forEach((v, i) => (dataType === DataType.INT64 ? view.setBigInt64(i * 8, v, true) : view.setFloat32(i * 4, v, true)));
    this.initializers.push({ name, dims, data_type: dataType, raw_data: bytes });
    return name;
  }

  /**
   * Drops the nodes and initialisers no graph output depends on (e.g. a converted model's heads that are not used).
   * Keeps the order of what remains, so the same graph still gives the same bytes.
   */
  prune() {
    const needed = new Set(this.outputs.map((o) => o.name));
    const kept = [];
    for (const node of [...this.nodes].reverse()) {
      if (!node.output.some((o) => needed.has(o))) continue;
      kept.push(node);
      for (const input of node.input) if (input) needed.add(input);
    }
    this.nodes = kept.reverse();
    this.initializers = this.initializers.filter((t) => needed.has(t.name));
  }

  /** Adds an int64 constant (shapes, pads, axes). */
  int64s(name, values) {
    return this.constant(name, [values.length], BigInt64Array.from(values.map((v) => BigInt(v))));
  }

  /**
   * Adds a node and returns its first output name.
   * @param {string} opType ONNX operator
   * @param {string[]} inputs input tensor names ('' for an omitted optional input)
   * @param {Record<string, unknown>} [attributes] ints → INT, other numbers → FLOAT, arrays → INTS, float(x) → FLOAT
   * @param {string | string[]} [outputs] output names; a fresh name when omitted
   */
  node(opType, inputs, attributes = {}, outputs = undefined) {
    const outs = outputs === undefined ? [this.fresh(opType.toLowerCase())] : [outputs].flat();
    const attribute = Object.entries(attributes).map(([key, value]) => toAttribute(key, value));
    this.nodes.push({ op_type: opType, name: `${opType}_${this.nodes.length}`, input: inputs, output: outs, attribute });
    return outs[0];
  }
}

/**
 * Serialises a graph as an ONNX ModelProto (IR version 8, default-domain opset).
 * @param {GraphBuilder} graph
 * @param {{ opset: number, docString?: string, metadata?: Record<string, string> }} options
 * @returns {Uint8Array} the model bytes; the same graph always gives the same bytes
 */
export function encodeModel(graph, { opset, docString = '', metadata = {} }) {
  const message = ModelProto.fromObject({
    ir_version: 8,
    producer_name: 'facegate-model-builder',
    producer_version: '1',
    model_version: 1,
    doc_string: docString,
    opset_import: [{ domain: '', version: opset }],
    metadata_props: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    graph: {
      name: graph.name,
      node: graph.nodes,
      initializer: graph.initializers,
      input: graph.inputs,
      output: graph.outputs,
    },
  });
  return ModelProto.encode(message).finish();
}
