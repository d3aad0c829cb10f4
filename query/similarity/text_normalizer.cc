#include "query/similarity/text_normalizer.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace expgraph::similarity {
namespace {

// A short list on purpose: only words that carry no topic in hypothesis and learning texts.
// Negations ("not", "no") and comparatives ("more", "less") are kept: "free shipping does not
// lift conversion" must not look like its opposite.
constexpr std::array<std::string_view, 96> kStopwords = {
    "a",     "about", "after",  "again", "all",   "also",   "am",    "an",     "and",  "any",
    "are",   "as",    "at",     "be",    "been",  "being",  "both",  "but",    "by",   "can",
    "could", "did",   "do",     "does",  "doing", "during", "each",  "for",    "from", "had",
    "has",   "have",  "having", "he",    "her",   "here",   "hers",  "him",    "his",  "how",
    "i",     "if",    "in",     "into",  "is",    "it",     "its",   "itself", "just", "me",
    "my",    "of",    "on",     "once",  "or",    "other",  "our",   "ours",   "she",  "should",
    "so",    "some",  "such",   "than",  "that",  "the",    "their", "theirs", "them", "then",
    "there", "these", "they",   "this",  "those", "to",     "too",   "us",     "very", "was",
    "we",    "were",  "what",   "when",  "where", "which",  "while", "who",    "whom", "why",
    "will",  "with",  "would",  "you",   "your",  "yours",
};

constexpr bool sorted_stopwords() {
  for (size_t i = 1; i < kStopwords.size(); ++i) {
    if (!(kStopwords[i - 1] < kStopwords[i])) return false;
  }
  return true;
}
static_assert(sorted_stopwords(), "kStopwords must stay sorted for binary search");

// Code points that separate words although they are not ASCII: Latin-1 punctuation and
// symbols, general and supplemental punctuation, arrows, box drawing, dingbats, CJK and
// full-width punctuation, the byte-order mark and the emoji planes.
bool is_separator_code_point(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 || (cp >= 0x2000 && cp <= 0x206F) ||
         (cp >= 0x2190 && cp <= 0x23FF) || (cp >= 0x2500 && cp <= 0x27BF) ||
         (cp >= 0x2E00 && cp <= 0x2E7F) || (cp >= 0x3000 && cp <= 0x303F) ||
         (cp >= 0xFE10 && cp <= 0xFE6F) || cp == 0xFEFF || (cp >= 0xFF00 && cp <= 0xFF0F) ||
         (cp >= 0xFF1A && cp <= 0xFF20) || (cp >= 0xFF3B && cp <= 0xFF40) ||
         (cp >= 0xFF5B && cp <= 0xFF65) || (cp >= 0x1F000 && cp <= 0x1FAFF);
}

// Decodes one UTF-8 sequence at text[i]; returns its length, or 0 when it is invalid
// (overlong, surrogate, truncated, or a stray continuation byte).
size_t decode_utf8(std::string_view text, size_t i, uint32_t& cp) {
  const auto byte = [&](size_t j) { return static_cast<uint8_t>(text[j]); };
  const uint8_t lead = byte(i);
  size_t length = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    cp = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    cp = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    cp = lead & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (size_t j = 1; j < length; ++j) {
    if ((byte(i + j) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + j) & 0x3F);
  }
  if ((length == 3 && cp < 0x800) || (length == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return length;
}

}  // namespace

bool is_stopword(std::string_view token) {
  return std::binary_search(kStopwords.begin(), kStopwords.end(), token);
}

std::vector<std::string> tokenize(std::string_view text, const TokenizerOptions& options) {
  std::vector<std::string> tokens;
  std::string current;
  const auto flush = [&] {
    if (!current.empty()) tokens.push_back(std::move(current));
    current.clear();
  };
  const auto append = [&](std::string_view bytes) {
    // Whole code points only, so a truncated token is still valid UTF-8.
    if (current.size() + bytes.size() <= options.max_token_bytes) current.append(bytes);
  };
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (static_cast<uint8_t>(c) < 0x80) {
      if (c >= 'A' && c <= 'Z') {
        const char lower = static_cast<char>(c - 'A' + 'a');
        append(std::string_view(&lower, 1));
      } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        append(std::string_view(&c, 1));
      } else {
        flush();
      }
      ++i;
      continue;
    }
    uint32_t cp = 0;
    const size_t length = decode_utf8(text, i, cp);
    if (length == 0) {
      flush();
      ++i;
      continue;
    }
    if (is_separator_code_point(cp)) {
      flush();
    } else {
      append(text.substr(i, length));
    }
    i += length;
  }
  flush();

  if (options.remove_stopwords) {
    const bool all_stopwords = std::all_of(tokens.begin(), tokens.end(),
                                           [](const std::string& t) { return is_stopword(t); });
    if (!all_stopwords) {
      std::erase_if(tokens, [](const std::string& t) { return is_stopword(t); });
    }
  }
  return tokens;
}

}  // namespace expgraph::similarity
