import type { Tensor } from 'onnxruntime-node';

/** A tensor as it crosses between the event loop and the inference thread. */
export interface WireTensor {
  name: string;
  type: Tensor.Type;
  dims: readonly number[];
  data: Tensor.DataType;
}

/** What the event loop asks of the inference thread; each request is answered once, under its `id`. */
export type InferenceRequest =
  | { id: number; op: 'open'; path: string; threads: number }
  | { id: number; op: 'run'; session: number; feeds: WireTensor[] }
  | { id: number; op: 'release'; session: number };

/** The answer: the session's number (open), the outputs (run), nothing (release), or the error's message. */
export type InferenceReply =
  { id: number; ok: true; session?: number; outputs?: WireTensor[] } | { id: number; ok: false; error: string };

export interface RunOptions {
  /**
   * The caller hands its input buffers over: an input that is the whole of its buffer is moved to the inference
   * thread instead of copied, and reads as empty (detached) afterwards. Inputs that view part of a buffer are copied.
   */
  handOver?: boolean;
}
