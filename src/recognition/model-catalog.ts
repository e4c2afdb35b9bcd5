/** What GET /models says of each model: the built-in pack from its manifest, the optional pack from here. */
import type { ManifestModel, ModelTask } from './engine/model-manifest.js';

export interface ModelInfo {
  id: string;
  task: ModelTask;
  version: string;
  /** [height, width] of the model input, or null when it takes any size. */
  input_size: [number, number] | null;
  embedding_size: number | null;
  source: string;
  license: string;
  pack: 'default' | 'optional';
  loaded: boolean;
  default_threshold: number | null;
  metric: string | null;
  average_inference_ms: number | null;
}

const OPTIONAL_MODELS: Omit<ModelInfo, 'loaded' | 'average_inference_ms'>[] = [
  {
    id: 'yunet-s',
    task: 'face_detection',
    version: '2023mar',
    input_size: null,
    embedding_size: null,
    source: 'ShiqiYu/libfacedetection.train onnx/yunet_s_*.onnx (MODELS_DIR)',
    license: 'MIT / Apache-2.0',
    pack: 'optional',
    default_threshold: 0.9,
    metric: null,
  },
  {
    id: 'minifasnet-v2-v1se',
    task: 'liveness',
    version: '2.7_80x80 + 4_0_0_80x80',
    input_size: [80, 80],
    embedding_size: null,
    source: 'minivision-ai/Silent-Face-Anti-Spoofing MiniFASNetV2 + MiniFASNetV1SE (MODELS_DIR)',
    license: 'Apache-2.0',
    pack: 'optional',
    default_threshold: 0.5,
    metric: 'p(real)',
  },
];

function fromManifest(model: ManifestModel): Omit<ModelInfo, 'loaded' | 'average_inference_ms'> {
  const shape = model.input.shape;
  const [height, width] = model.input.layout === 'NHWC' ? [shape[1], shape[2]] : [shape[2], shape[3]];
  const output = model.outputs?.[0]?.shape.at(-1);
  return {
    id: model.id,
    task: model.task,
    version: model.version,
    input_size: typeof height === 'number' && typeof width === 'number' ? [height, width] : null,
    embedding_size: model.task === 'face_embedding' && typeof output === 'number' ? output : null,
    source: `${model.source.package}${model.source.version ? `@${model.source.version}` : ''}`,
    license: model.license ?? model.licence ?? 'see package',
    pack: 'default',
    default_threshold: model.default_threshold ?? null,
    metric: model.metric ?? null,
  };
}

export const describeModel = {
  all(manifest: ManifestModel[]): Omit<ModelInfo, 'loaded' | 'average_inference_ms'>[] {
    return [...manifest.map(fromManifest), ...OPTIONAL_MODELS];
  },
};
