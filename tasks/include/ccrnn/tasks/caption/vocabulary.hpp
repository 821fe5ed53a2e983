#pragma once
// Caption text: the tokenizer and the vocabulary (ALGORITHM.md section 7).
//
// Tokenizer (project choice, documented in docs/caption-data.md): ASCII letters are lower-cased; a word
// is a maximal run of letters, digits and non-ASCII bytes (so UTF-8 words stay whole), and an apostrophe
// between two word characters stays inside its word ("don't", "man's"); every other printable character
// (. , ; : ! ? - ( ) " ' / ...) is a token of its own; whitespace and control characters separate tokens.
//
// Vocabulary: ids 0..3 are the specials <pad> <start> <end> <unk>; then every token seen at least
// `threshold` times (default 4) in the training captions, by descending count, ties in byte order.
// Any other token maps to <unk>.
#include <ccrnn/core/types.hpp>
#include <ccrnn/io/hdf5_file.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace ccrnn::tasks {

/// Splits a caption into lower-case word and punctuation tokens (see the header comment).
std::vector<std::string> tokenize(std::string_view text);
/// True for a token that is a single punctuation character (what the tokenizer splits off).
bool is_punctuation(std::string_view token);
/// The tokens without punctuation (what BLEU and the length bins count).
std::vector<std::string> words_only(const std::vector<std::string>& tokens);
/// Tokens joined by single spaces.
std::string join_tokens(const std::vector<std::string>& tokens);

class Vocabulary {
 public:
  static constexpr int pad = 0, start = 1, end = 2, unk = 3;
  static constexpr int special_count = 4;
  /// "<pad>", "<start>", "<end>", "<unk>".
  static const std::vector<std::string>& specials();

  /// Only the four specials.
  Vocabulary();
  /// From tokenized training captions: specials, then tokens counted at least `threshold` times
  /// (threshold >= 1), by descending count, ties in byte order.
  static Vocabulary build(const std::vector<std::vector<std::string>>& captions, std::int64_t threshold = 4);

  Index size() const { return static_cast<Index>(words_.size()); }
  std::int64_t threshold() const { return threshold_; }
  /// Id of a token, <unk> if it is not in the vocabulary.
  int id(const std::string& token) const;
  bool contains(const std::string& token) const { return index_.count(token) > 0; }
  /// The token of an id; throws std::out_of_range for an invalid id.
  const std::string& word(int id) const;
  /// Training count of each id (0 for the specials).
  const std::vector<std::int64_t>& counts() const { return counts_; }
  const std::vector<std::string>& words() const { return words_; }

  /// Token ids (no <start>/<end> added).
  std::vector<int> encode(const std::vector<std::string>& tokens) const;
  /// Tokens of ids up to (not including) the first <end>; <pad> and <start> are left out.
  std::vector<std::string> decode(const std::vector<int>& ids) const;

  /// Writes datasets `words` (strings, id order) and `counts` (int64) and attributes `threshold` and
  /// `format` = "ccrnn-vocabulary-1" into group (which must not contain them yet).
  void save(io::Group group) const;
  /// Reads what save wrote; throws std::runtime_error naming the file and group when the specials are not
  /// ids 0..3, a word repeats or is empty, or the datasets disagree in length.
  static Vocabulary load(const io::Group& group);

 private:
  void add(const std::string& word, std::int64_t count);
  std::vector<std::string> words_;
  std::vector<std::int64_t> counts_;
  std::unordered_map<std::string, int> index_;
  std::int64_t threshold_ = 4;
};

}  // namespace ccrnn::tasks
