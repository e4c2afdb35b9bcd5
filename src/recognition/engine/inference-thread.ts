import { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { InferenceReply, InferenceRequest, RunOptions, WireTensor } from './inference-messages.js';

type Request = InferenceRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;
type Success = Extract<InferenceReply, { ok: true }>;

interface Pending {
  resolve(reply: Success): void;
  reject(error: Error): void;
}

/**
 * The process's inference thread: a worker thread that holds every ONNX session and runs them one after another.
 * onnxruntime-node runs a model synchronously on the thread that calls it, so on the event loop a group photo's
 * models held every request, socket and timer of the instance for up to 0.3 s (docs/benchmarks.md); here the event
 * loop only posts the inputs and gets the outputs. The thread starts with the first session opened and keeps the
 * process alive only while a request is pending. Should it stop (a native crash), pending requests fail and the next
 * one starts a new thread, where each session is opened again.
 */
export class InferenceThread {
  private worker: Worker | null = null;
  private generation = 0;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** The current thread's generation, starting one when none runs; sessions are opened per generation. */
  start(): number {
    if (this.worker) return this.generation;
    const worker = new Worker(new URL('./inference-worker.js', import.meta.url));
    worker.unref();
    worker.on('message', (reply: InferenceReply) => this.settle(reply));
    worker.on('error', (error) => this.stopped(worker, error));
    worker.on('exit', (code) => this.stopped(worker, new Error(`The inference thread stopped (exit code ${code})`)));
    this.worker = worker;
    this.generation += 1;
    return this.generation;
  }

  /**
   * Sends a request to the thread; with `generation`, only to that thread (a session's number means nothing to
   * another): when it has stopped since, the request fails as the requests pending then did.
   */
  request(request: Request, transfer: ArrayBuffer[] = [], generation?: number): Promise<Success> {
    if (generation !== undefined && (generation !== this.generation || !this.worker)) {
      return Promise.reject(new Error('The inference thread stopped'));
    }
    this.start();
    const worker = this.worker!;
    const id = this.nextId++;
    return new Promise<Success>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ ...request, id }, transfer);
    });
  }

  /** Terminates the thread: pending requests fail, and the next request starts a new thread. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.stopped(worker, new Error('The inference thread was stopped'));
    await worker.terminate();
  }

  /** Releases a session opened in `generation` (nothing when that thread has stopped since). */
  release(generation: number, session: number): void {
    this.request({ op: 'release', session }, [], generation).catch(() => undefined);
  }

  private settle(reply: InferenceReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (reply.ok) pending.resolve(reply);
    else pending.reject(new Error(reply.error));
  }

  private stopped(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = null;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

/**
 * The typed array itself when it was handed over and is the whole of a plain buffer (moved to the thread at no
 * cost: a group photo's finest detector level is megabytes), else a copy of the view's own values, so that the
 * caller's buffer stays as it was.
 */
function movable<T extends Float32Array>(data: T, handOver = false): T {
  const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
  return handOver && whole && data.buffer instanceof ArrayBuffer ? data : (data.slice() as T);
}

/** Every session of the process runs on this one thread (runs of one image after another, as on the event loop). */
export const inferenceThread = new InferenceThread();

interface Opened {
  generation: number;
  session: Promise<{ generation: number; session: number }>;
}

/** Releases the thread's session once its handle is garbage-collected. */
const finalizer = new FinalizationRegistry<{ thread: InferenceThread; generation: number; session: number }>(
  ({ thread, generation, session }) => thread.release(generation, session),
);

/** A handle to an ONNX session held by an InferenceThread; `run` takes and gives tensors as InferenceSession does. */
export class ThreadOnnxSession {
  private opened: Opened | null = null;

  private constructor(
    private readonly thread: InferenceThread,
    private readonly path: string,
    private readonly threads: number,
  ) {}

  /** Opens the model on the thread; rejects as InferenceSession.create does (missing file, invalid model). */
  static async open(thread: InferenceThread, path: string, threads: number): Promise<ThreadOnnxSession> {
    const session = new ThreadOnnxSession(thread, path, threads);
    await session.remote();
    return session;
  }

  /** See OnnxSession.run; inputs are copied unless `handOver` lets whole buffers move (RunOptions). */
  async run(feeds: Record<string, ort.Tensor>, options: RunOptions = {}): Promise<Record<string, ort.Tensor>> {
    const { generation, session } = await this.remote();
    const wire: WireTensor[] = [];
    const transfer: ArrayBuffer[] = [];
    for (const [name, tensor] of Object.entries(feeds)) {
      const data = Array.isArray(tensor.data) ? tensor.data : movable(tensor.data as Float32Array, options.handOver);
      if (!Array.isArray(data)) transfer.push(data.buffer as ArrayBuffer);
      wire.push({ name, type: tensor.type, dims: tensor.dims, data });
    }
    const reply = await this.thread.request({ op: 'run', session, feeds: wire }, transfer, generation);
    return Object.fromEntries(
      (reply.outputs ?? []).map((o) => [o.name, new ort.Tensor(o.type, o.data as Float32Array, o.dims)]),
    );
  }

  /** The session's number on the current thread, opening it there first when needed. */
  private remote(): Promise<{ generation: number; session: number }> {
    const generation = this.thread.start();
    if (this.opened?.generation !== generation) {
      const session = this.thread.request({ op: 'open', path: this.path, threads: this.threads }).then((reply) => {
        finalizer.register(this, { thread: this.thread, generation, session: reply.session! });
        return { generation, session: reply.session! };
      });
      const opened = { generation, session };
      this.opened = opened;
      // A failed open is tried again by the next call.
      session.catch(() => {
        if (this.opened === opened) this.opened = null;
      });
    }
    return this.opened.session;
  }
}
