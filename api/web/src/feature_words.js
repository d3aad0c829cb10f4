// The forecast's features (query/insights/arm_features.cc names them: "w:why", "b:are so",
// "first:why", "h:question", "channel=upworthy_web|h:question", ...) in words a planner reads:
// the plan page says what pushed a candidate up or down with these.

const headline = {
  number: 'a number', question: 'a question', named_person: 'a person’s name',
  second_person: 'addressing the reader as “you”', exclamation: 'an exclamation mark',
  words: 'its length in words', chars: 'its length in characters',
};
const punctuation = {
  colon: 'a colon', quote: 'a quotation', ellipsis: 'an ellipsis', dash: 'a dash',
  sentences: 'its number of sentences',
};

export function featureWords(feature) {
  // A feature crossed with the context ("metric=ctr|h:question") reads as the feature alone:
  // the context is the draft's own.
  const base = String(feature).slice(String(feature).lastIndexOf('|') + 1);
  const colon = base.indexOf(':');
  if (colon < 0) return base;
  const kind = base.slice(0, colon);
  const value = base.slice(colon + 1);
  switch (kind) {
    case 'w': return `the word “${value}”`;
    case 'b': return `the words “${value}”`;
    case 'first':
    case 'first2': return `starting with “${value}”`;
    case 'last': return `ending with “${value}”`;
    case 'h': return headline[value] || `the headline feature ${value}`;
    case 'p': return punctuation[value] || `the punctuation ${value}`;
    case 'kind': return `a ${value} asset`;
    case 'tag': return `an asset tagged ${value}`;
    case 'e': return 'its meaning as a whole (word vectors)';
    default: return base;
  }
}

// The first `count` distinct phrasings of `features` ([{feature, value}], strongest first).
export function featureList(features, count = 3) {
  return [...new Set((features || []).map((f) => featureWords(f.feature)))].slice(0, count);
}
