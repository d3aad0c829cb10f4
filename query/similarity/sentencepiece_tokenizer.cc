#include "query/similarity/sentencepiece_tokenizer.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

#include <algorithm>

namespace expgraph::similarity {

namespace {

constexpr char32_t kWordBoundary = U'\u2581';  // "▁"

// The code points of a piece; false on invalid UTF-8 (pieces come from our own file, so this is
// strict, unlike the text's decoding).
bool decode_piece(std::string_view bytes, std::u32string& out) {
  out.clear();
  for (size_t i = 0; i < bytes.size();) {
    const auto lead = static_cast<uint8_t>(bytes[i]);
    int length = lead < 0x80           ? 1
                 : (lead >> 5) == 0x6  ? 2
                 : (lead >> 4) == 0xe  ? 3
                 : (lead >> 3) == 0x1e ? 4
                                       : 0;
    if (length == 0 || i + length > bytes.size()) return false;
    char32_t code = length == 1 ? lead : lead & (0x7f >> length);
    for (int k = 1; k < length; ++k) {
      const auto next = static_cast<uint8_t>(bytes[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      code = (code << 6) | (next & 0x3f);
    }
    if (code > 0x10ffff) return false;
    out.push_back(code);
    i += length;
  }
  return true;
}

}  // namespace

Result<SentencePieceTokenizer> SentencePieceTokenizer::create(
    const std::vector<std::string>& pieces, const std::vector<double>& scores,
    uint32_t reserved_pieces) {
  if (pieces.size() != scores.size() || pieces.empty() || pieces.size() > INT32_MAX) {
    return Status::invalid_argument("sentencepiece vocabulary: one score per piece needed");
  }
  SentencePieceTokenizer tokenizer;
  tokenizer.nodes_.emplace_back();
  tokenizer.utf16_lengths_.reserve(pieces.size());
  std::u32string symbols;
  for (size_t id = 0; id < pieces.size(); ++id) {
    if (!decode_piece(pieces[id], symbols) || symbols.empty()) {
      return Status::invalid_argument("sentencepiece vocabulary: piece " + std::to_string(id) +
                                      " is empty or not valid UTF-8");
    }
    int32_t units = 0;
    for (char32_t symbol : symbols) units += symbol > 0xffff ? 2 : 1;
    tokenizer.utf16_lengths_.push_back(units);
    if (id < reserved_pieces) continue;
    int32_t node = 0;
    for (char32_t symbol : symbols) {
      const uint64_t key = (static_cast<uint64_t>(node) << 21) | symbol;
      auto [it, inserted] =
          tokenizer.children_.emplace(key, static_cast<int32_t>(tokenizer.nodes_.size()));
      if (inserted) tokenizer.nodes_.emplace_back();
      node = it->second;
    }
    // As the runner's trie: a repeated piece overwrites the earlier one's score and id.
    tokenizer.nodes_[node] = TrieNode{true, scores[id], static_cast<int32_t>(id)};
  }
  return tokenizer;
}

int32_t SentencePieceTokenizer::child(int32_t node, char32_t symbol) const {
  auto it = children_.find((static_cast<uint64_t>(node) << 21) | symbol);
  return it == children_.end() ? -1 : it->second;
}

std::u32string SentencePieceTokenizer::normalize(std::string_view text) {
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(error);
  const icu::UnicodeString source = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  icu::UnicodeString normalized;
  if (U_SUCCESS(error)) normalized = nfkc->normalize(source, error);
  // ICU's NFKC data is built into libicudata; failing to load it is a broken installation, in
  // which case the text is used as it is rather than failing every embedding.
  if (U_FAILURE(error)) normalized = source;
  std::u32string out;
  if (normalized.isEmpty()) return out;
  out.reserve(static_cast<size_t>(normalized.length()) + 1);
  out.push_back(kWordBoundary);
  for (int32_t i = 0; i < normalized.length();) {
    const UChar32 code = normalized.char32At(i);
    i += U16_LENGTH(code);
    out.push_back(code == U' ' ? kWordBoundary : static_cast<char32_t>(code));
  }
  return out;
}

std::vector<int32_t> SentencePieceTokenizer::encode(std::string_view text) const {
  const std::u32string symbols = normalize(text);
  const size_t n = symbols.size();
  if (n == 0) return {};

  // The candidate pieces by end position, each end's in increasing start order (the order the
  // runner visits them in). At most one piece per (start, end): the trie has one node per prefix.
  struct Candidate {
    size_t start;
    double score;
    int32_t id;
  };
  std::vector<std::vector<Candidate>> ending_at(n + 1);
  for (size_t start = 0; start < n; ++start) {
    bool matched = false;
    int32_t node = child(0, symbols[start]);
    for (size_t end = start + 1; node >= 0; ++end) {
      if (nodes_[node].end) {
        ending_at[end].push_back({start, nodes_[node].score, nodes_[node].id});
        matched = true;
      }
      if (end == n) break;
      node = child(node, symbols[end]);
    }
    if (!matched) ending_at[start + 1].push_back({start, 0.0, 0});
  }

  // Viterbi with the runner's rules: best[end] == 0 means "nothing yet" (so a score of exactly
  // 0, which unknown pieces and the seven null-scored pieces give, is overwritten), ties go to
  // the later candidate, and a position no piece ends at keeps best 0 and id 0.
  std::vector<double> best(n + 1, 0.0);
  std::vector<int32_t> best_id(n + 1, 0);
  for (size_t end = 1; end <= n; ++end) {
    for (const Candidate& candidate : ending_at[end]) {
      const double score = candidate.score + best[candidate.start];
      if (best[end] == 0 || score >= best[end]) {
        best[end] = score;
        best_id[end] = candidate.id;
      }
    }
  }

  // Backtrack by each piece's length in UTF-16 code units, as the runner does (the same as code
  // points for every piece of the shipped vocabulary), merging runs of unknown pieces.
  std::vector<int32_t> reversed;
  for (ptrdiff_t at = static_cast<ptrdiff_t>(n); at > 0; at -= utf16_lengths_[best_id[at]]) {
    const int32_t id = best_id[at];
    if (id == 0 && !reversed.empty() && reversed.back() == 0) continue;
    reversed.push_back(id);
  }
  return {reversed.rbegin(), reversed.rend()};
}

}  // namespace expgraph::similarity
