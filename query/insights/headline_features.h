// Simple, explainable features of a creative's text that patterns group experiments by: a
// number, a question, a named person (two capitalised words in a row, in text that is not Title
// Case), the reader addressed as "you", an exclamation. Heuristics, not NLP. Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace expgraph::insights {

// The features present in `text`, in a fixed order: "number", "question", "named_person",
// "second_person", "exclamation".
std::vector<std::string> headline_features(std::string_view text);

}  // namespace expgraph::insights
