#include "query/similarity/model_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace expgraph::similarity {

Result<std::string> read_model_file(const std::string& path, std::string_view what,
                                    std::string_view fetch_tool) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return Status::not_found(std::string(what) + " file " + path + " not found: run " +
                             std::string(fetch_tool) + " (needs npm), or use --embedder hashing");
  }
  std::ifstream file(path, std::ios::binary);
  std::ostringstream content;
  content << file.rdbuf();
  if (!file) return Status::invalid_argument("cannot read " + std::string(what) + " file " + path);
  return std::move(content).str();
}

}  // namespace expgraph::similarity
