#include "query/insights/headline_features.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace expgraph::insights {

namespace {

struct Word {
  std::string text;
  bool sentence_start = false;  // first word, or after . ! ? : or a quote that opens
};

std::vector<Word> split_words(std::string_view text) {
  std::vector<Word> words;
  std::string current;
  bool next_starts_sentence = true;
  auto flush = [&] {
    if (current.empty()) return;
    words.push_back({current, next_starts_sentence});
    next_starts_sentence = false;
    current.clear();
  };
  for (char raw : text) {
    const unsigned char c = static_cast<unsigned char>(raw);
    if (std::isalnum(c) || c == '\'' || c >= 0x80) {
      current.push_back(raw);
    } else {
      flush();
      if (raw == '.' || raw == '!' || raw == '?' || raw == ':' || raw == '"') {
        next_starts_sentence = true;
      }
    }
  }
  flush();
  return words;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// "Obama", "McDonald" yes; "NASA", "I", "The" at a sentence start no (the caller checks that).
bool capitalised(const std::string& word) {
  if (word.size() < 2 || !std::isupper(static_cast<unsigned char>(word[0]))) return false;
  return std::islower(static_cast<unsigned char>(word[1])) != 0;
}

bool has_number(std::string_view text, const std::vector<Word>& words) {
  if (std::any_of(text.begin(), text.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    return true;
  }
  static constexpr std::array<std::string_view, 16> kNumberWords = {
      "two", "three", "four",    "five",     "six",      "seven",     "eight",   "nine",
      "ten", "dozen", "hundred", "hundreds", "thousand", "thousands", "million", "millions"};
  return std::any_of(words.begin(), words.end(), [](const Word& w) {
    const std::string l = lower(w.text);
    return std::find(kNumberWords.begin(), kNumberWords.end(), l) != kNumberWords.end();
  });
}

bool has_named_person(const std::vector<Word>& words) {
  size_t capitals = 0;
  for (const Word& w : words) capitals += capitalised(w.text) ? 1 : 0;
  // In Title Case every pair of words is capitalised: the heuristic says nothing there.
  if (words.empty() || 2 * capitals > words.size()) return false;
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    if (!words[i].sentence_start && capitalised(words[i].text) && capitalised(words[i + 1].text)) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::vector<std::string> headline_features(std::string_view text) {
  const std::vector<Word> words = split_words(text);
  std::vector<std::string> features;
  if (has_number(text, words)) features.push_back("number");
  if (text.find('?') != std::string_view::npos) features.push_back("question");
  if (has_named_person(words)) features.push_back("named_person");
  if (std::any_of(words.begin(), words.end(), [](const Word& w) {
        const std::string l = lower(w.text);
        return l == "you" || l == "your" || l == "you're" || l == "yourself";
      })) {
    features.push_back("second_person");
  }
  if (text.find('!') != std::string_view::npos) features.push_back("exclamation");
  return features;
}

}  // namespace expgraph::insights
