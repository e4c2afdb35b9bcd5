/**
 * The inference thread's entry (a worker_threads Worker started by InferenceThread): it holds the ONNX sessions and
 * runs them, so that onnxruntime-node's runs, which are synchronous, never block the service's event loop.
 */
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { InferenceReply, InferenceRequest, WireTensor } from './inference-messages.js';
import { onnxSessionOptions } from './onnx-session-options.js';

const sessions = new Map<number, ort.InferenceSession>();
let nextSession = 1;

async function answer(request: InferenceRequest): Promise<{ reply: InferenceReply; transfer: ArrayBuffer[] }> {
  switch (request.op) {
    case 'open': {
      const session = await ort.InferenceSession.create(request.path, onnxSessionOptions(request.threads));
      const id = nextSession++;
      sessions.set(id, session);
      return { reply: { id: request.id, ok: true, session: id }, transfer: [] };
    }
    case 'run': {
      const session = sessions.get(request.session);
      if (!session) throw new Error(`No open inference session ${request.session}`);
      const feeds = Object.fromEntries(
        request.feeds.map((f) => [f.name, new ort.Tensor(f.type, f.data as Float32Array, f.dims)]),
      );
      const results = await session.run(feeds);
      const outputs: WireTensor[] = Object.entries(results).map(([name, tensor]) => ({
        name,
        type: tensor.type,
        dims: tensor.dims,
        data: tensor.data,
      }));
      return { reply: { id: request.id, ok: true, outputs }, transfer: detachable(outputs) };
    }
    case 'release': {
      await sessions.get(request.session)?.release();
      sessions.delete(request.session);
      return { reply: { id: request.id, ok: true }, transfer: [] };
    }
  }
}

/** The outputs' buffers, moved rather than copied to the event loop (each output has a buffer of its own). */
function detachable(outputs: WireTensor[]): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const { data } of outputs) {
    if (ArrayBuffer.isView(data) && data.buffer instanceof ArrayBuffer) buffers.add(data.buffer);
  }
  return [...buffers];
}

parentPort?.on('message', (request: InferenceRequest) => {
  answer(request).then(
    ({ reply, transfer }) => {
      try {
        parentPort?.postMessage(reply, transfer);
      } catch {
        parentPort?.postMessage(reply); // a buffer that cannot be moved is copied
      }
    },
    (error: unknown) =>
      parentPort?.postMessage({
        id: request.id,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      } satisfies InferenceReply),
  );
});
