// Caption text: the tokenizer, the vocabulary (threshold, specials, <unk>, HDF5 save/load) and corpus BLEU
// on hand-worked examples.
#include <catch2/catch.hpp>

#include <ccrnn/io/hdf5_file.hpp>
#include <ccrnn/tasks/caption/bleu.hpp>
#include <ccrnn/tasks/caption/vocabulary.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "tasks/caption_test_support.hpp"

using namespace ccrnn;
using namespace ccrnn::tasks;
using caption_test::ScratchDir;
using Strings = std::vector<std::string>;

TEST_CASE("caption tokenizer: lower case, punctuation split off, apostrophes inside words kept", "[caption]") {
  CHECK(tokenize("A man, riding a Horse.") == Strings{"a", "man", ",", "riding", "a", "horse", "."});
  CHECK(tokenize("Don't STOP!") == Strings{"don't", "stop", "!"});
  CHECK(tokenize("  two   spaces\tand\nnewlines  ") == Strings{"two", "spaces", "and", "newlines"});
  CHECK(tokenize("'quoted'") == Strings{"'", "quoted", "'"});
  CHECK(tokenize("3.5 kg (approx)") == Strings{"3", ".", "5", "kg", "(", "approx", ")"});
  CHECK(tokenize("well-known") == Strings{"well", "-", "known"});
  CHECK(tokenize("caf\xc3\xa9 au lait") == Strings{"caf\xc3\xa9", "au", "lait"});  // UTF-8 words stay whole
  CHECK(tokenize("...") == Strings{".", ".", "."});
  CHECK(tokenize("").empty());
  CHECK(tokenize(" \t\n").empty());

  CHECK(is_punctuation("."));
  CHECK(is_punctuation(","));
  CHECK_FALSE(is_punctuation("a"));
  CHECK_FALSE(is_punctuation("ab"));
  CHECK_FALSE(is_punctuation("7"));
  CHECK(words_only({"a", ",", "red", "circle", "."}) == Strings{"a", "red", "circle"});
  CHECK(join_tokens({"a", "red", "circle"}) == "a red circle");
  CHECK(join_tokens({}).empty());
}

TEST_CASE("caption vocabulary: specials first, count threshold, descending counts, unknown words", "[caption]") {
  // counts: a 5, cat 4, zebra 4, dog 3, "." 4
  const std::vector<Strings> captions = {{"a", "cat", "."}, {"a", "cat", "."}, {"a", "zebra", "dog", "."},
                                         {"a", "zebra", "dog", "."}, {"a", "cat", "zebra", "dog", "zebra", "cat"}};
  const Vocabulary v = Vocabulary::build(captions);  // default threshold 4
  CHECK(v.threshold() == 4);
  REQUIRE(v.size() == 8);
  CHECK(v.words() == Strings{"<pad>", "<start>", "<end>", "<unk>", "a", ".", "cat", "zebra"});
  CHECK(v.counts() == std::vector<std::int64_t>{0, 0, 0, 0, 5, 4, 4, 4});
  CHECK(Vocabulary::pad == 0);
  CHECK(Vocabulary::start == 1);
  CHECK(Vocabulary::end == 2);
  CHECK(Vocabulary::unk == 3);
  CHECK(v.id("a") == 4);
  CHECK(v.id("zebra") == 7);
  CHECK(v.id("dog") == Vocabulary::unk);  // 3 < 4
  CHECK(v.id("never-seen") == Vocabulary::unk);
  CHECK_FALSE(v.contains("dog"));
  CHECK(v.word(6) == "cat");
  CHECK_THROWS_AS(v.word(8), std::out_of_range);
  CHECK_THROWS_AS(v.word(-1), std::out_of_range);

  CHECK(v.encode({"a", "dog", "cat"}) == std::vector<int>{4, 3, 6});
  CHECK(v.decode({1, 4, 3, 6, 0, 2, 7}) == Strings{"a", "<unk>", "cat"});  // <start>/<pad> skipped, stops at <end>

  const Vocabulary all = Vocabulary::build(captions, 1);
  CHECK(all.size() == 9);
  CHECK(all.id("dog") == 8);
  CHECK(Vocabulary::build(captions, 6).size() == 4);  // only the specials
  CHECK_THROWS_AS(Vocabulary::build(captions, 0), std::invalid_argument);
  // A token spelled like a special is not added a second time.
  const Vocabulary odd = Vocabulary::build({{"<unk>", "<unk>"}}, 1);
  CHECK(odd.size() == 4);
}

TEST_CASE("caption vocabulary: save to and load from an HDF5 group, and malformed groups", "[caption]") {
  ScratchDir dir;
  const std::vector<Strings> captions = {{"b", "a", "b"}, {"a", "b", "c"}};
  const Vocabulary v = Vocabulary::build(captions, 2);
  const std::string path = dir.file("vocab.h5");
  {
    io::File f = io::File::create(path);
    v.save(f.root().create_group("vocabulary"));
    auto bad = f.root().create_group("bad_specials");
    bad.write("words", Strings{"<start>", "<pad>", "<end>", "<unk>"});
    bad.write("counts", std::vector<std::int64_t>{0, 0, 0, 0});
    auto dup = f.root().create_group("duplicate");
    dup.write("words", Strings{"<pad>", "<start>", "<end>", "<unk>", "x", "x"});
    dup.write("counts", std::vector<std::int64_t>{0, 0, 0, 0, 5, 5});
    auto len = f.root().create_group("lengths");
    len.write("words", Strings{"<pad>", "<start>", "<end>", "<unk>", "x"});
    len.write("counts", std::vector<std::int64_t>{0, 0, 0, 0});
  }
  const io::File f = io::File::open_read(path);
  const Vocabulary back = Vocabulary::load(f.root().open_group("vocabulary"));
  CHECK(back.words() == Strings{"<pad>", "<start>", "<end>", "<unk>", "b", "a"});
  CHECK(back.counts() == std::vector<std::int64_t>{0, 0, 0, 0, 3, 2});
  CHECK(back.threshold() == 2);
  CHECK(back.id("a") == 5);
  CHECK(f.root().open_group("vocabulary").attr_string("format") == "ccrnn-vocabulary-1");

  using caption_test::error_of;
  const std::string specials = error_of<std::runtime_error>([&] { Vocabulary::load(f.root().open_group("bad_specials")); });
  CHECK_THAT(specials, Catch::Contains(path) && Catch::Contains("<pad>"));
  const std::string dup = error_of<std::runtime_error>([&] { Vocabulary::load(f.root().open_group("duplicate")); });
  CHECK_THAT(dup, Catch::Contains("'x' appears twice"));
  const std::string len = error_of<std::runtime_error>([&] { Vocabulary::load(f.root().open_group("lengths")); });
  CHECK_THAT(len, Catch::Contains("'counts' 4"));
}

namespace {
Strings split(const std::string& s) { return tokenize(s); }
}  // namespace

TEST_CASE("BLEU: a perfect match scores 1", "[caption]") {
  const BleuScore s = corpus_bleu({split("the cat sat on the mat")}, {{split("the cat sat on the mat")}});
  for (int n = 0; n < 4; ++n) CHECK(s.bleu[static_cast<size_t>(n)] == Approx(1.0));
  CHECK(s.brevity_penalty == 1.0);
  CHECK(s.candidate_length == 6);
  CHECK(s.reference_length == 6);
}

TEST_CASE("BLEU: clipping counts an n-gram at most as often as in any single reference", "[caption]") {
  // Papineni et al.'s example: "the" occurs at most twice in one reference, so p1 = 2/7; no bigram matches.
  const BleuScore s = corpus_bleu({split("the the the the the the the")},
                                  {{split("the cat is on the mat"), split("there is a cat on the mat")}});
  CHECK(s.matches[0] == 2);
  CHECK(s.totals[0] == 7);
  CHECK(s.precision[0] == Approx(2.0 / 7.0));
  CHECK(s.matches[1] == 0);
  CHECK(s.totals[1] == 6);
  CHECK(s.reference_length == 7);  // closest reference length to 7
  CHECK(s.brevity_penalty == 1.0);
  CHECK(s.bleu[0] == Approx(2.0 / 7.0));
  CHECK(s.bleu[1] == 0.0);
  CHECK(s.bleu[3] == 0.0);

  // Clipped by the maximum in ONE reference (2 in the second), not the sum over references (3).
  const BleuScore t = corpus_bleu({split("the the the cat")}, {{split("the cat"), split("the the dog")}});
  CHECK(t.matches[0] == 3);
  CHECK(t.totals[0] == 4);
  CHECK(t.bleu[0] == Approx(0.75));
}

TEST_CASE("BLEU: brevity penalty exp(1 - r/c) for a short candidate", "[caption]") {
  // c = 2; reference lengths 6 and 7: the closest is 6. p1 = 2/2, p2 = 1/1, no trigram in the candidate.
  const BleuScore s = corpus_bleu({split("the cat")}, {{split("the cat is on the mat"), split("there is a cat on the mat")}});
  CHECK(s.reference_length == 6);
  CHECK(s.brevity_penalty == Approx(std::exp(1.0 - 6.0 / 2.0)));
  CHECK(s.bleu[0] == Approx(std::exp(-2.0)));
  CHECK(s.bleu[1] == Approx(std::exp(-2.0)));
  CHECK(s.totals[2] == 0);
  CHECK(s.bleu[2] == 0.0);
  CHECK(s.bleu[3] == 0.0);
}

TEST_CASE("BLEU: no matching word scores 0, an empty candidate too", "[caption]") {
  const BleuScore s = corpus_bleu({split("dog runs fast")}, {{split("a cat sleeps")}});
  CHECK(s.matches[0] == 0);
  for (double b : s.bleu) CHECK(b == 0.0);
  const BleuScore e = corpus_bleu({Strings{}}, {{split("a cat sleeps")}});
  CHECK(e.brevity_penalty == 0.0);
  for (double b : e.bleu) CHECK(b == 0.0);
  CHECK_THROWS_AS(corpus_bleu({split("a")}, {}), std::invalid_argument);
  CHECK_THROWS_AS(corpus_bleu({split("a")}, {{}}), std::invalid_argument);
}

TEST_CASE("BLEU: several references, ties in reference length go to the shorter one", "[caption]") {
  // c = 3; references of 6, 4 and 2 words: 4 and 2 are equally close, the shorter (2) counts, so c > r
  // and BP = 1 (the longer would give exp(1 - 4/3)). Matches come from different references.
  const BleuScore s = corpus_bleu({split("a red circle")},
                                  {{split("a red circle on the left"), split("a small red circle"), split("red circle")}});
  CHECK(s.reference_length == 2);
  CHECK(s.brevity_penalty == 1.0);
  CHECK(s.bleu[0] == Approx(1.0));
  CHECK(s.bleu[1] == Approx(1.0));
  CHECK(s.bleu[2] == Approx(1.0));
  CHECK(s.totals[3] == 0);
  CHECK(s.bleu[3] == 0.0);
}

TEST_CASE("BLEU: corpus-level sums of matches and lengths, not an average of sentence scores", "[caption]") {
  // Sentence 1: 2/2 unigrams, 1/1 bigrams. Sentence 2 ("a dog barked loudly" vs "a dog barked"): 3/4
  // unigrams, 2/3 bigrams, 1/2 trigrams, 0/1 4-grams. Corpus: p1 = 5/6, p2 = 3/4, p3 = 1/2, p4 = 0;
  // c = 6 > r = 2 + 3, BP = 1.
  const BleuScore s = corpus_bleu({split("the cat"), split("a dog barked loudly")},
                                  {{split("the cat")}, {split("a dog barked")}});
  CHECK(s.sentences == 2);
  CHECK(s.matches == std::array<std::int64_t, 4>{5, 3, 1, 0});
  CHECK(s.totals == std::array<std::int64_t, 4>{6, 4, 2, 1});
  CHECK(s.candidate_length == 6);
  CHECK(s.reference_length == 5);
  CHECK(s.bleu[0] == Approx(5.0 / 6.0));
  CHECK(s.bleu[1] == Approx(std::sqrt(5.0 / 6.0 * 3.0 / 4.0)));
  CHECK(s.bleu[2] == Approx(std::cbrt(5.0 / 6.0 * 3.0 / 4.0 * 1.0 / 2.0)));
  CHECK(s.bleu[3] == 0.0);
}
