#pragma once
// A 64-bit FNV-1a hash over bytes, for what a checkpoint must recognise: the data set a run trained on
// and the checkpoint's own contents (a corrupt file is refused, not resumed from). Not cryptographic:
// it detects changes, it does not resist forgery.
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace ccrnn::tasks {

class Fingerprint {
 public:
  void add_bytes(const void* data, std::size_t bytes) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < bytes; ++i) hash_ = (hash_ ^ p[i]) * 0x100000001b3ull;
  }
  /// Adds the length first, so that ("ab", "c") and ("a", "bc") differ.
  void add(std::string_view text) {
    add(static_cast<std::uint64_t>(text.size()));
    add_bytes(text.data(), text.size());
  }
  template <class T>
    requires std::is_arithmetic_v<T>
  void add(T value) {
    add_bytes(&value, sizeof value);
  }
  template <class T>
    requires std::is_arithmetic_v<T>
  void add(const std::vector<T>& values) {
    add(static_cast<std::uint64_t>(values.size()));
    add_bytes(values.data(), values.size() * sizeof(T));
  }
  void add(const std::vector<std::string>& texts) {
    add(static_cast<std::uint64_t>(texts.size()));
    for (const auto& t : texts) add(std::string_view(t));
  }

  std::uint64_t value() const { return hash_; }
  /// 16 hexadecimal digits.
  std::string hex() const {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash_));
    return text;
  }

 private:
  std::uint64_t hash_ = 0xcbf29ce484222325ull;
};

}  // namespace ccrnn::tasks
