#pragma once
// Helpers shared by the caption tests (tests/tasks/test_caption_*.cpp).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>

namespace caption_test {

namespace fs = std::filesystem;

/// A fresh directory under the system temp dir, removed (with its contents) at scope exit.
class ScratchDir {
 public:
  ScratchDir() {
    std::random_device rd;
    const auto base = fs::temp_directory_path();
    for (int attempt = 0; attempt < 100; ++attempt) {
      fs::path p = base / ("ccrnn_test_caption_" + std::to_string(rd()) + "_" + std::to_string(attempt));
      if (fs::create_directory(p)) {
        path_ = p;
        return;
      }
    }
    throw std::runtime_error("cannot create a scratch directory");
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// The message of the exception of type E that f throws (fails the test if it throws nothing or another type).
template <class E, class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  FAIL("expected an exception");
  return {};
}

}  // namespace caption_test
