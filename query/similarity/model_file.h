// What the embedders' model files have in common (word_vectors.h's glove matrix and
// sentence_encoder_model.h's encoder): the whole file read into memory, with the same errors
// for a missing or unreadable file, and a reader of little-endian binary fields that checks
// that every field it reads is there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "ontology/status.h"

namespace expgraph::similarity {

// The whole content of the file at `path`, a `what` file ("word vectors", "sentence encoder")
// written by `fetch_tool`: not_found, saying to run the tool, when it does not exist;
// invalid_argument when it cannot be read.
Result<std::string> read_model_file(const std::string& path, std::string_view what,
                                    std::string_view fetch_tool);

// Appends the bytes of `value` as they are in memory (the files are little-endian, as the
// machines that build them).
template <typename T>
void append_raw(std::string& out, const T& value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

// Reads forward through a file's bytes; every read checks that the bytes are there and says
// false (reading nothing) when they are not.
class ModelFileReader {
 public:
  explicit ModelFileReader(std::string_view bytes) : bytes_(bytes) {}

  bool take(size_t count, std::string_view& out) {
    if (remaining() < count) return false;
    out = bytes_.substr(offset_, count);
    offset_ += count;
    return true;
  }
  template <typename T>
  bool raw(T& value) {
    std::string_view bytes;
    if (!take(sizeof(T), bytes)) return false;
    std::memcpy(&value, bytes.data(), sizeof(T));
    return true;
  }
  // `count` floats into `out`.
  bool floats(size_t count, float* out) {
    std::string_view bytes;
    if (count > remaining() / sizeof(float) || !take(count * sizeof(float), bytes)) return false;
    if (count > 0) std::memcpy(out, bytes.data(), bytes.size());
    return true;
  }
  // A string of at most 255 bytes after its one-byte length.
  bool short_string(std::string_view& out) {
    uint8_t length = 0;
    return raw(length) && take(length, out);
  }
  size_t remaining() const { return bytes_.size() - offset_; }
  bool at_end() const { return remaining() == 0; }

 private:
  std::string_view bytes_;
  size_t offset_ = 0;
};

}  // namespace expgraph::similarity
