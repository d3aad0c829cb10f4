// WebFixture: a small web UI bundle in a temporary directory (index.html, a hashed script, a
// style sheet, and files the server must not serve: a hidden file and a symbolic link out of
// the directory), for the tests of the web routes. Not thread-safe (one owner).
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

#include "test_support/temp_dir.h"

namespace expgraph::testing {

class WebFixture {
 public:
  static constexpr const char* kIndex = "<!doctype html><title>expgraph test UI</title>";
  // Long and repetitive, so that its gzip form is smaller and gets served.
  static std::string script() {
    std::string text;
    for (int i = 0; i < 200; ++i)
      text += "console.log('expgraph test bundle', " + std::to_string(i) + ");\n";
    return text;
  }
  static constexpr const char* kScriptPath = "/assets/main-TEST1234.js";

  WebFixture() {
    std::filesystem::create_directories(dir_.sub("web/assets"));
    write("web/index.html", kIndex);
    write("web/assets/main-TEST1234.js", script());
    write("web/assets/main-TEST1234.css", "body { margin: 0; }");
    write("web/assets/.hidden", "not served");
    write("secret.txt", "outside the web directory");
    std::filesystem::create_symlink(dir_.sub("secret.txt"), dir_.sub("web/assets/link.txt"));
  }
  // The directory to pass as expgraphd --web-dir.
  std::string web_dir() const { return dir_.sub("web"); }

 private:
  void write(const std::string& name, const std::string& text) {
    std::ofstream(dir_.sub(name), std::ios::binary) << text;
  }
  TempDir dir_;
};

}  // namespace expgraph::testing
