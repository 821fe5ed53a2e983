#include <ccrnn/tasks/caption/vocabulary.hpp>

#include <algorithm>
#include <map>
#include <stdexcept>

namespace ccrnn::tasks {

namespace {

bool is_word_byte(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80; }
bool is_separator(unsigned char c) { return c <= 0x20 || c == 0x7F; }

}  // namespace

std::vector<std::string> tokenize(std::string_view text) {
  std::vector<std::string> tokens;
  std::string word;
  const auto flush = [&] {
    if (!word.empty()) tokens.push_back(std::move(word));
    word.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (is_word_byte(c)) {
      word.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c));
    } else if (c == '\'' && !word.empty() && i + 1 < text.size() &&
               is_word_byte(static_cast<unsigned char>(text[i + 1]))) {
      word.push_back('\'');  // inside a word: don't, man's
    } else {
      flush();
      if (!is_separator(c)) tokens.emplace_back(1, static_cast<char>(c));
    }
  }
  flush();
  return tokens;
}

bool is_punctuation(std::string_view token) {
  if (token.size() != 1) return false;
  const auto c = static_cast<unsigned char>(token[0]);
  return !is_word_byte(c) && !is_separator(c);
}

std::vector<std::string> words_only(const std::vector<std::string>& tokens) {
  std::vector<std::string> out;
  out.reserve(tokens.size());
  for (const auto& t : tokens)
    if (!is_punctuation(t)) out.push_back(t);
  return out;
}

std::string join_tokens(const std::vector<std::string>& tokens) {
  std::string out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0) out.push_back(' ');
    out += tokens[i];
  }
  return out;
}

const std::vector<std::string>& Vocabulary::specials() {
  static const std::vector<std::string> names = {"<pad>", "<start>", "<end>", "<unk>"};
  return names;
}

Vocabulary::Vocabulary() {
  for (const auto& s : specials()) add(s, 0);
}

void Vocabulary::add(const std::string& word, std::int64_t count) {
  index_.emplace(word, static_cast<int>(words_.size()));
  words_.push_back(word);
  counts_.push_back(count);
}

Vocabulary Vocabulary::build(const std::vector<std::vector<std::string>>& captions, std::int64_t threshold) {
  if (threshold < 1) throw std::invalid_argument("vocabulary: the count threshold must be >= 1");
  std::map<std::string, std::int64_t> counts;
  for (const auto& caption : captions)
    for (const auto& token : caption) ++counts[token];
  std::vector<std::pair<std::string, std::int64_t>> kept;
  for (const auto& [word, count] : counts)
    if (count >= threshold && std::find(specials().begin(), specials().end(), word) == specials().end())
      kept.emplace_back(word, count);
  std::stable_sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  Vocabulary vocabulary;
  vocabulary.threshold_ = threshold;
  for (const auto& [word, count] : kept) vocabulary.add(word, count);
  return vocabulary;
}

int Vocabulary::id(const std::string& token) const {
  const auto it = index_.find(token);
  return it == index_.end() ? unk : it->second;
}

const std::string& Vocabulary::word(int id) const {
  if (id < 0 || id >= static_cast<int>(words_.size()))
    throw std::out_of_range("vocabulary: no word with id " + std::to_string(id) + " (size " +
                            std::to_string(words_.size()) + ")");
  return words_[static_cast<size_t>(id)];
}

std::vector<int> Vocabulary::encode(const std::vector<std::string>& tokens) const {
  std::vector<int> ids;
  ids.reserve(tokens.size());
  for (const auto& t : tokens) ids.push_back(id(t));
  return ids;
}

std::vector<std::string> Vocabulary::decode(const std::vector<int>& ids) const {
  std::vector<std::string> tokens;
  for (int i : ids) {
    if (i == end) break;
    if (i == pad || i == start) continue;
    tokens.push_back(word(i));
  }
  return tokens;
}

void Vocabulary::save(io::Group group) const {
  group.write("words", words_);
  group.write("counts", counts_);
  group.set_attr("threshold", threshold_);
  group.set_attr("format", "ccrnn-vocabulary-1");
}

Vocabulary Vocabulary::load(const io::Group& group) {
  const std::string where = group.file_path() + ": vocabulary group '" + group.path() + "': ";
  const std::vector<std::string> words = group.read_strings("words");
  const io::Array counts = group.read("counts", 1);
  if (counts.size() != words.size())
    throw std::runtime_error(where + "'words' has " + std::to_string(words.size()) + " entries but 'counts' " +
                             std::to_string(counts.size()));
  if (words.size() < static_cast<size_t>(special_count))
    throw std::runtime_error(where + "fewer than the 4 special tokens");
  for (int i = 0; i < special_count; ++i)
    if (words[static_cast<size_t>(i)] != specials()[static_cast<size_t>(i)])
      throw std::runtime_error(where + "id " + std::to_string(i) + " must be " + specials()[static_cast<size_t>(i)] +
                               ", found '" + words[static_cast<size_t>(i)] + "'");
  Vocabulary vocabulary;
  vocabulary.threshold_ = group.has_attr("threshold") ? group.attr_int("threshold") : 0;
  for (size_t i = special_count; i < words.size(); ++i) {
    if (words[i].empty()) throw std::runtime_error(where + "word " + std::to_string(i) + " is empty");
    if (vocabulary.contains(words[i]))
      throw std::runtime_error(where + "word '" + words[i] + "' appears twice (ids " +
                               std::to_string(vocabulary.id(words[i])) + " and " + std::to_string(i) + ")");
    vocabulary.add(words[i], static_cast<std::int64_t>(counts.data[i]));
  }
  return vocabulary;
}

}  // namespace ccrnn::tasks
