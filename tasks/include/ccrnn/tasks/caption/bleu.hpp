#pragma once
// Corpus BLEU (Papineni et al. 2002), the standard definition:
//   p_n  = sum over candidates of the CLIPPED n-gram matches / sum over candidates of the candidate's n-grams,
//          where an n-gram's matches are clipped to the largest number of times it occurs in any ONE
//          reference of that candidate;
//   c    = total candidate length; r = sum over candidates of the reference length closest to the
//          candidate's length (ties: the shorter reference);
//   BP   = 1 if c > r, else exp(1 - r / c) (0 when c = 0);
//   BLEU-N = BP * exp(sum_{n=1..N} (1/N) log p_n), and 0 if any p_n (n <= N) is 0. No smoothing.
// Tokens are compared as strings; callers choose the tokenisation (the captioning task uses the
// tokenizer's words without punctuation, see docs/caption-data.md).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace ccrnn::tasks {

using Tokens = std::vector<std::string>;

struct BleuScore {
  std::array<double, 4> bleu{};       // BLEU-1..4
  std::array<double, 4> precision{};  // p_1..p_4 (0 when there is no candidate n-gram)
  std::array<std::int64_t, 4> matches{}, totals{};  // clipped matches and candidate n-grams, summed
  double brevity_penalty = 0.0;
  std::int64_t candidate_length = 0;  // c
  std::int64_t reference_length = 0;  // r
  std::int64_t sentences = 0;
};

/// Corpus BLEU of candidates[i] against references[i] (at least one reference per candidate).
BleuScore corpus_bleu(const std::vector<Tokens>& candidates, const std::vector<std::vector<Tokens>>& references);

}  // namespace ccrnn::tasks
