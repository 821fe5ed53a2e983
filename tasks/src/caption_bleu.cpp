#include <ccrnn/tasks/caption/bleu.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <stdexcept>

namespace ccrnn::tasks {

namespace {

using NgramCounts = std::map<std::vector<std::string>, std::int64_t>;

NgramCounts ngrams(const Tokens& tokens, size_t n) {
  NgramCounts counts;
  for (size_t i = 0; i + n <= tokens.size(); ++i)
    ++counts[std::vector<std::string>(tokens.begin() + static_cast<std::ptrdiff_t>(i),
                                      tokens.begin() + static_cast<std::ptrdiff_t>(i + n))];
  return counts;
}

}  // namespace

BleuScore corpus_bleu(const std::vector<Tokens>& candidates, const std::vector<std::vector<Tokens>>& references) {
  if (candidates.size() != references.size())
    throw std::invalid_argument("bleu: " + std::to_string(candidates.size()) + " candidates but " +
                                std::to_string(references.size()) + " reference sets");
  BleuScore score;
  score.sentences = static_cast<std::int64_t>(candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) {
    const Tokens& cand = candidates[i];
    const auto& refs = references[i];
    if (refs.empty()) throw std::invalid_argument("bleu: candidate " + std::to_string(i) + " has no reference");
    const auto c = static_cast<std::int64_t>(cand.size());
    std::int64_t best = -1;
    for (const Tokens& ref : refs) {
      const auto len = static_cast<std::int64_t>(ref.size());
      if (best < 0 || std::llabs(len - c) < std::llabs(best - c) || (std::llabs(len - c) == std::llabs(best - c) && len < best))
        best = len;
    }
    score.candidate_length += c;
    score.reference_length += best;
    for (size_t n = 1; n <= 4; ++n) {
      const NgramCounts cand_counts = ngrams(cand, n);
      NgramCounts max_ref;
      for (const Tokens& ref : refs)
        for (const auto& [gram, count] : ngrams(ref, n)) max_ref[gram] = std::max(max_ref[gram], count);
      for (const auto& [gram, count] : cand_counts) {
        const auto it = max_ref.find(gram);
        score.matches[n - 1] += std::min(count, it == max_ref.end() ? std::int64_t{0} : it->second);
        score.totals[n - 1] += count;
      }
    }
  }
  const double c = static_cast<double>(score.candidate_length), r = static_cast<double>(score.reference_length);
  score.brevity_penalty = c == 0 ? 0.0 : c > r ? 1.0 : std::exp(1.0 - r / c);
  double log_sum = 0.0;
  bool zero = false;
  for (size_t n = 0; n < 4; ++n) {
    score.precision[n] = score.totals[n] > 0 ? static_cast<double>(score.matches[n]) / static_cast<double>(score.totals[n]) : 0.0;
    zero = zero || score.precision[n] == 0.0;
    if (!zero) log_sum += std::log(score.precision[n]);
    score.bleu[n] = zero ? 0.0 : score.brevity_penalty * std::exp(log_sum / static_cast<double>(n + 1));
  }
  return score;
}

}  // namespace ccrnn::tasks
