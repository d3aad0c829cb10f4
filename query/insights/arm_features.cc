#include "query/insights/arm_features.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "query/insights/headline_features.h"

namespace expgraph::insights {

std::vector<std::string> text_words(const std::string& text) {
  std::vector<std::string> words;
  std::string current;
  for (char raw : text) {
    const unsigned char c = static_cast<unsigned char>(raw);
    if (std::isalnum(c) || c == '\'' || c >= 0x80) {
      current.push_back(static_cast<char>(std::tolower(c)));
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

namespace {

// FNV-1a: stable across builds and platforms, so a stored model keeps its meaning. Its offset
// basis is not FNV's standard 14695981039346656037 (a digit short): the hashing is as good, and
// it stays, because every stored model's feature indexes were computed with it.
uint64_t fnv1a(const std::string& text) {
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  return hash;
}

// The punctuation a headline uses, by class, and how many sentences it has (scaled like the
// length features: a typical headline's value is near 1).
std::vector<NamedFeature> punctuation_features(const std::string& text) {
  std::set<std::string> marks;
  double sentences = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ':') marks.insert("p:colon");
    if (c == '"' || text.compare(i, 3, "\u201c") == 0) marks.insert("p:quote");
    if (c == '\'' && (i == 0 || text[i - 1] == ' ')) marks.insert("p:quote");
    if (text.compare(i, 3, "...") == 0 || text.compare(i, 3, "\u2026") == 0) {
      marks.insert("p:ellipsis");
    }
    if (text.compare(i, 3, " - ") == 0 || text.compare(i, 3, "\u2014") == 0 ||
        text.compare(i, 3, "\u2013") == 0) {
      marks.insert("p:dash");
    }
    if ((c == '.' || c == '!' || c == '?') && i + 1 < text.size() && text[i + 1] == ' ') {
      ++sentences;
    }
  }
  std::vector<NamedFeature> out;
  for (const std::string& m : marks) out.push_back({m});
  out.push_back({"p:sentences", sentences / 2});
  return out;
}

}  // namespace

TestContext test_context(const ExperimentFacts& experiment) {
  TestContext context;
  context.channels = experiment.channels;
  context.segments = experiment.segment_lineage;
  if (!experiment.primary_metric.empty()) context.metrics = {experiment.primary_metric};
  return context;
}

std::vector<NamedFeature> arm_feature_names(const std::vector<const AssetFacts*>& assets,
                                            const TestContext& context,
                                            const FeatureOptions& options) {
  std::vector<NamedFeature> features;
  std::vector<NamedFeature> crossable;
  size_t word_count = 0, char_count = 0;
  bool has_text = false;
  std::string all_text;
  for (const AssetFacts* asset : assets) {
    if (options.kinds_and_tags) {
      if (!asset->kind.empty()) crossable.push_back({"kind:" + asset->kind});
      for (const std::string& tag : asset->tags) crossable.push_back({"tag:" + tag});
    }
    if (asset->text.empty()) {
      if (options.asset_keys) features.push_back({"asset:" + asset->key});
      continue;
    }
    has_text = true;
    if (!all_text.empty()) all_text += ' ';
    all_text += asset->text;
    const std::vector<std::string> words = text_words(asset->text);
    word_count += words.size();
    char_count += asset->text.size();
    for (size_t i = 0; i < words.size(); ++i) {
      if (options.words) features.push_back({"w:" + words[i]});
      if (options.bigrams && i + 1 < words.size()) {
        features.push_back({"b:" + words[i] + " " + words[i + 1]});
      }
    }
    if (options.positions && !words.empty()) {
      // Where a word stands changes what it does ("Watch" opening a headline, "..." ending it).
      features.push_back({"first:" + words.front()});
      if (words.size() >= 2) features.push_back({"first2:" + words[0] + " " + words[1]});
      features.push_back({"last:" + words.back()});
    }
    if (options.punctuation) {
      for (const NamedFeature& f : punctuation_features(asset->text)) crossable.push_back(f);
    }
    if (options.headline) {
      for (const std::string& f : headline_features(asset->text)) crossable.push_back({"h:" + f});
    }
  }
  if (options.headline && has_text) {
    // Scaled so that a typical headline's values are near 1, like the binary features.
    crossable.push_back({"h:words", static_cast<double>(word_count) / 15.0});
    crossable.push_back({"h:chars", static_cast<double>(char_count) / 80.0});
  }
  if (options.embedding && options.embedder != nullptr && has_text) {
    // Dense, and not crossed with the context: 100-odd values per context would outnumber the
    // tests that could support them.
    auto vector = options.embedder->embed(all_text);
    if (vector.ok()) {
      for (size_t i = 0; i < vector->size(); ++i) {
        if ((*vector)[i] != 0) {
          features.push_back({"e:" + std::to_string(i), options.embedding_scale * (*vector)[i]});
        }
      }
    }
  }
  if (options.context_crosses) {
    std::vector<std::string> scopes;
    for (const std::string& c : context.channels) scopes.push_back("channel=" + c);
    for (const std::string& s : context.segments) scopes.push_back("segment=" + s);
    for (const std::string& m : context.metrics) scopes.push_back("metric=" + m);
    const size_t plain = crossable.size();
    for (const std::string& scope : scopes) {
      for (size_t i = 0; i < plain; ++i) {
        crossable.push_back({scope + "|" + crossable[i].name, crossable[i].value});
      }
    }
  }
  features.insert(features.end(), crossable.begin(), crossable.end());
  return features;
}

void add_set_features(const FeatureOptions& options,
                      std::vector<std::vector<NamedFeature>>& candidates) {
  if (!options.set_features || candidates.size() < 2) return;
  std::vector<std::set<std::string>> words(candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) {
    for (const NamedFeature& f : candidates[i]) {
      if (f.name.rfind("w:", 0) == 0) words[i].insert(f.name);
    }
  }
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (words[i].empty()) continue;
    double overlap = 0;
    std::set<std::string> unique = words[i];
    for (size_t j = 0; j < candidates.size(); ++j) {
      if (j == i) continue;
      size_t shared = 0;
      for (const std::string& w : words[j]) {
        shared += words[i].count(w);
        unique.erase(w);
      }
      const size_t either = words[i].size() + words[j].size() - shared;
      overlap += either > 0 ? static_cast<double>(shared) / static_cast<double>(either) : 0.0;
    }
    // Scaled so that typical values are near 1, like the binary features.
    candidates[i].push_back(
        {"set:overlap", 3 * overlap / static_cast<double>(candidates.size() - 1)});
    candidates[i].push_back(
        {"set:unique", static_cast<double>(unique.size()) / static_cast<double>(words[i].size())});
  }
}

uint32_t feature_index(const std::string& name, int hash_bits) {
  const uint64_t size = uint64_t{1} << hash_bits;
  return static_cast<uint32_t>(1 + fnv1a(name) % (size - 1));
}

SparseVector hash_features(const std::vector<NamedFeature>& features, int hash_bits) {
  std::map<uint32_t, float> merged;
  for (const NamedFeature& f : features) {
    merged[feature_index(f.name, hash_bits)] += static_cast<float>(f.value);
  }
  return {merged.begin(), merged.end()};
}

std::string explained_feature(const std::string& name) {
  if (name.rfind("e:", 0) == 0) return "e:text";
  // A crossed name is "channel=", "segment=" or "metric=", a node key, '|' and one of the
  // crossable features (headline, punctuation, kind, tag); a key may hold a '|' itself, so the
  // feature starts at the first "|h:", "|p:", "|kind:" or "|tag:".
  if (name.rfind("channel=", 0) != 0 && name.rfind("segment=", 0) != 0 &&
      name.rfind("metric=", 0) != 0) {
    return name;
  }
  size_t start = std::string::npos;
  for (const char* marker : {"|h:", "|p:", "|kind:", "|tag:"}) {
    start = std::min(start, name.find(marker));
  }
  return start == std::string::npos ? name : name.substr(start + 1);
}

std::vector<NamedFeature> catalog_arm_features(const ExperimentCatalog& catalog,
                                               const ExperimentFacts& experiment,
                                               const ArmFacts& arm, const FeatureOptions& options) {
  std::vector<const AssetFacts*> assets;
  for (size_t a : arm.assets) assets.push_back(&catalog.assets[a]);
  return arm_feature_names(assets, test_context(experiment), options);
}

}  // namespace expgraph::insights
