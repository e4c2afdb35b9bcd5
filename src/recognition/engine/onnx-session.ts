import { access } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import type { RunOptions } from './inference-messages.js';
import { inferenceThread, ThreadOnnxSession } from './inference-thread.js';

export interface OnnxSessionOptions {
  /**
   * Threads onnxruntime may use inside one operator (default 1, for every model). On the shared 2-core machines one
   * thread per run was faster, alone and more so with two images in the models at once (the engine allows two, and
   * the two liveness models run side by side): with 2 threads the runs fight for the cores. Measured with
   * bench/pipeline-stages.bench.ts --threads=1|2, both packs (docs/benchmarks.md).
   */
  threads?: number;
}

/** A model ready to run: tensors in, named tensors out (as onnxruntime's InferenceSession.run). */
export interface OnnxSession {
  run(feeds: Record<string, ort.Tensor>, options?: RunOptions): Promise<Record<string, ort.Tensor>>;
}

/**
 * Opens an ONNX model for CPU inference with all graph optimisations (onnxSessionOptions), on the process's inference
 * thread: every session of the engine goes through here.
 */
export function openOnnxSession(path: string, options: OnnxSessionOptions = {}): Promise<OnnxSession> {
  return ThreadOnnxSession.open(inferenceThread, path, options.threads ?? 1);
}

/** Options of a model opened as ModelSessions. */
export interface ModelSessionOptions extends OnnxSessionOptions {
  /** Threads of the session for an image alone in the models (see ModelSessions); 1 or absent: no such session. */
  aloneThreads?: number;
}

/**
 * One model opened twice: a session with `threads` (1 by default) for runs while other images are in the models,
 * and, with `aloneThreads` over 1, one with that many threads for an image alone in them. On an idle 2-core machine
 * two threads run each network 1.5-2x faster (full-range BlazeFace at 384x288 9.2 -> 6.0 ms, YuNet at 640x480 6.7
 * -> 4.0, the dlib descriptor's batch of 2 7.8 -> 4.4), while two images in the models at once run faster with one
 * thread each (docs/benchmarks.md).
 */
export class ModelSessions {
  constructor(
    private readonly shared: OnnxSession,
    private readonly alone: OnnxSession | null = null,
  ) {}

  static async open(path: string, options: ModelSessionOptions = {}): Promise<ModelSessions> {
    const threads = options.aloneThreads ?? 1;
    const alone = threads > 1 ? await openOnnxSession(path, { threads }) : null;
    return new ModelSessions(await openOnnxSession(path, options), alone);
  }

  /** The session for a run: the one with more threads when the image is `alone` in the models and there is one. */
  pick(alone = false): OnnxSession {
    return (alone && this.alone) || this.shared;
  }
}

export async function fileExists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The float32 data of a named session output; throws when the model returned something else. */
export function floatOutput(outputs: Record<string, ort.Tensor>, name: string): Float32Array {
  const value = outputs[name];
  if (!(value instanceof ort.Tensor) || !(value.data instanceof Float32Array)) {
    throw new Error(`ONNX output "${name}" is missing or not float32`);
  }
  return value.data;
}

/**
 * Runs `items` NHWC images of `side` x `side` x 3 through a session in chunks of at most `chunk` images, and returns
 * the named output of all of them in order. `fill(first, count, into)` writes images first..first+count-1 into a
 * chunk's input just before it is sent: the next chunk is filled while the inference thread runs the one before, and
 * the event loop is given back between chunks. Each run's memory is bounded whatever the number of faces (58 dlib
 * chips at once grew the process by 71 MB, in chunks of 16 by 28 MB), and only a few shapes ever reach onnxruntime:
 * the first run of a shape it has not seen is slow (a group photo's 58 chips: 596 ms, then 209 ms; memory planned and
 * allocated), and a group photo's face count is rarely one it has seen.
 */
export async function runInChunks(
  session: OnnxSession,
  fill: (first: number, count: number, into: Float32Array) => void,
  { items, side, chunk, output }: { items: number; side: number; chunk: number; output: string },
): Promise<Float32Array> {
  const values = side * side * 3;
  const runs: Promise<Record<string, ort.Tensor>>[] = [];
  for (let at = 0; at < items; at += chunk) {
    const n = Math.min(chunk, items - at);
    const input = new Float32Array(n * values);
    fill(at, n, input);
    const run = session.run({ input: new ort.Tensor('float32', input, [n, side, side, 3]) }, { handOver: true });
    run.catch(() => undefined); // a failure is reported by Promise.all below, not as an unhandled rejection
    runs.push(run);
    // Until the run before this one is done: the event loop is free meanwhile.
    if (runs.length > 1) await runs.at(-2)!.catch(() => undefined);
  }
  const parts = (await Promise.all(runs)).map((outputs) => floatOutput(outputs, output));
  if (parts.length === 1) return parts[0];
  const out = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
