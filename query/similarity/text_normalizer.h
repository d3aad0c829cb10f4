// The one tokenizer of similarity search: the hashing embedder and the BM25 index both call it,
// so that a word means the same thing to the dense and to the lexical ranking.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace expgraph::similarity {

struct TokenizerOptions {
  // Drop common English function words ("the", "of", "is", ...). When every token of a text is
  // a stopword the stopwords are kept, so that such a text still has a representation.
  bool remove_stopwords = false;
  // Tokens longer than this many bytes are truncated (guards against pathological inputs).
  size_t max_token_bytes = 64;
};

// Splits `text` into lower-cased tokens. ASCII letters are lower-cased; ASCII digits are kept;
// every other ASCII byte separates tokens. Non-ASCII UTF-8 letters are kept byte for byte (no
// Unicode case folding); Unicode whitespace and punctuation (U+00A0-U+00BF, U+2000-U+206F,
// U+3000-U+303F, ...) and invalid UTF-8 bytes separate tokens.
std::vector<std::string> tokenize(std::string_view text, const TokenizerOptions& options = {});

// True when `token` (already lower-cased) is in the built-in English stopword list.
bool is_stopword(std::string_view token);

}  // namespace expgraph::similarity
