#pragma once
// What every fuzz harness shares: a private scratch directory for the files a reader is given, and the
// rule a reader must keep on hostile input (docs/fuzzing.md): succeed, or throw one of the errors it
// documents (all derive from std::runtime_error and carry a message naming the file). Anything else --
// std::logic_error (out_of_range, length_error, invalid_argument), std::bad_alloc, a foreign exception --
// is a finding and aborts, so that libFuzzer saves the input.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <typeinfo>

#include <unistd.h>

namespace ccrnn::fuzz {

/// A per-process directory under $TMPDIR (removed at exit): one fuzzing process per directory, so that
/// parallel jobs (-jobs=N) never share a file.
inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    auto p = std::filesystem::temp_directory_path() / ("ccrnn_fuzz_" + std::to_string(::getpid()));
    std::filesystem::create_directories(p);
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(scratch_dir(), ec);
    });
    return p;
  }();
  return dir;
}

/// Writes bytes to scratch_dir()/name and returns the path.
inline std::string write_scratch(const std::string& name, const std::uint8_t* data, std::size_t size) {
  const std::string path = (scratch_dir() / name).string();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) {
    std::fprintf(stderr, "fuzz harness: cannot write %s\n", path.c_str());
    std::abort();
  }
  return path;
}

/// Runs `read`; a std::runtime_error (the readers' documented errors) is a clean refusal, anything else
/// aborts with its type and message.
template <class Read>
void expect_clean_refusal(Read&& read) {
  try {
    read();
  } catch (const std::runtime_error&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz finding: %s escaped the reader: %s\n", typeid(e).name(), e.what());
    std::abort();
  }
}

}  // namespace ccrnn::fuzz
