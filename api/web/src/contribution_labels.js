// The forecast's contributions ([{feature, label, value}], strongest first) as the phrases a
// planner reads: the server labels each feature (query/insights model_feature_label: "the word
// “why”", "a question", ...) and sums a feature's context crosses and the word vectors into one
// entry, so the page only keeps the first `count` distinct labels.
export function featureList(features, count = 3) {
  return [...new Set((features || []).map((f) => f.label || f.feature))].slice(0, count);
}
