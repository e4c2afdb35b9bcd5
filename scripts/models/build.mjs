#!/usr/bin/env node
// Builds the default model pack (ONNX files + manifest.json) from weights shipped in npm packages.
// Runs at `npm ci` (postinstall) and as `npm run models:build`. Never downloads anything.
// Usage: node scripts/models/build.mjs [--out <dir>] [--force]
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBlazeFaceFullGraph, buildBlazeFaceGraph } from './blazeface.mjs';
import { buildDlibResnetGraph } from './dlib-resnet.mjs';
import { buildLandmark68Graph } from './landmark68.mjs';
import { BUILDER_REVISION, MODELS } from './manifest.mjs';
import { encodeModel } from './onnx-writer.mjs';
import { readTfjsWeights } from './tfjs-weights.mjs';

const OPSET = 13;
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

function packageDir(name) {
  return dirname(require.resolve(`${name}/package.json`));
}

/** Graph builders by model id: each gets the package folder and returns the ONNX graph. */
const GRAPHS = {
  'blazeface-back': (dir) => {
    const modelJson = JSON.parse(readFileSync(join(dir, 'models/blazeface-back.json'), 'utf8'));
    return buildBlazeFaceGraph(modelJson, readTfjsWeights(modelJson.weightsManifest, join(dir, 'models')));
  },
  'blazeface-full-range': (dir) => {
    const modelJson = JSON.parse(readFileSync(join(dir, 'models/facemesh-detection-full.json'), 'utf8'));
    return buildBlazeFaceFullGraph(modelJson, readTfjsWeights(modelJson.weightsManifest, join(dir, 'models')));
  },
  'face-landmark-68': (dir) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'model/face_landmark_68_model-weights_manifest.json'), 'utf8'));
    return buildLandmark68Graph(readTfjsWeights(manifest, join(dir, 'model')));
  },
  'dlib-resnet-v1': (dir) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'model/face_recognition_model-weights_manifest.json'), 'utf8'));
    return buildDlibResnetGraph(readTfjsWeights(manifest, join(dir, 'model')));
  },
};

/** Fingerprint of what a model is built from: builder revision, package version, source file bytes. */
function sourceFingerprint(model, dir, version) {
  const hash = createHash('sha256').update(`${BUILDER_REVISION}\n${model.source.package}@${version}\n`);
  for (const file of model.source.files) hash.update(readFileSync(join(dir, file)));
  return hash.digest('hex');
}

function readManifest(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** True when the file on disk is the one an earlier run wrote from the same sources. */
function isUpToDate(previous, entry, outDir) {
  if (!previous || previous.source.fingerprint !== entry.source.fingerprint) return false;
  const path = join(outDir, entry.file);
  return existsSync(path) && sha256(readFileSync(path)) === previous.sha256;
}

/**
 * Builds every model of the pack into `outDir` and writes `manifest.json` there.
 * @param {{ outDir?: string, force?: boolean, log?: (line: string) => void }} [options]
 * @returns {{ manifest: object, built: string[], skipped: string[] }}
 */
export function buildModelPack({ outDir = join(REPO_ROOT, 'models'), force = false, log = () => {} } = {}) {
  mkdirSync(outDir, { recursive: true });
  const manifestPath = join(outDir, 'manifest.json');
  const previous = force ? undefined : readManifest(manifestPath);
  const built = [];
  const skipped = [];
  const models = MODELS.map((model) => {
    const dir = packageDir(model.source.package);
    const version = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
    const source = { ...model.source, version, fingerprint: sourceFingerprint(model, dir, version) };
    const entry = { ...model, source };
    const old = previous?.models?.find((m) => m.id === model.id);
    if (isUpToDate(old, entry, outDir)) {
      skipped.push(model.id);
      return { ...entry, sha256: old.sha256, bytes: old.bytes };
    }
    const started = Date.now();
    const docString = `${model.id}: ${model.source.origin}. Source ${model.source.package}@${version}. ${model.license}.`;
    const bytes = encodeModel(GRAPHS[model.id](dir), { opset: OPSET, docString, metadata: { model_id: model.id } });
    const target = join(outDir, model.file);
    writeFileSync(`${target}.tmp`, bytes);
    renameSync(`${target}.tmp`, target);
    built.push(model.id);
    log(`built ${model.file} (${bytes.length} bytes) in ${Date.now() - started} ms`);
    return { ...entry, sha256: sha256(bytes), bytes: bytes.length };
  });
  const manifest = { format: 1, builder_revision: BUILDER_REVISION, opset: OPSET, models };
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  if (!existsSync(manifestPath) || readFileSync(manifestPath, 'utf8') !== text) writeFileSync(manifestPath, text);
  return { manifest, built, skipped };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const outDir = outIndex >= 0 ? resolve(args[outIndex + 1]) : undefined;
  const started = Date.now();
  try {
    const { built, skipped } = buildModelPack({ outDir, force: args.includes('--force'), log: (l) => console.log(`[models] ${l}`) });
    if (skipped.length) console.log(`[models] up to date: ${skipped.join(', ')}`);
    console.log(`[models] model pack ready (${built.length} built) in ${Date.now() - started} ms`);
  } catch (error) {
    console.error(`[models] building the model pack failed: ${error instanceof Error ? error.stack : error}`);
    process.exit(1);
  }
}
