#pragma once
// The table printed at the end of a run of many seeds (and by ccrnn-report): per model, mean +- SEM of
// chosen scalars, the ccRNN relative to the cRNN, and a paired t-test across seeds.
#include <ccrnn/tasks/run_record.hpp>
#include <ccrnn/tasks/task.hpp>

#include <cstddef>

#include <map>
#include <string>
#include <vector>

namespace ccrnn::apps {

/// Scalar values of one condition, by scalar name, one entry per seed, seeds in a common order.
using ScalarsBySeed = std::map<std::string, std::vector<double>>;

/// Comparison of the ccRNN with the cRNN on one scalar across paired seeds.
struct Comparison {
  double relative = 0.0;  // mean(ccrnn) / mean(crnn) for errors (< 1: the ccRNN is better); see docs/metrics.md
  double mean_difference = 0.0;  // mean over seeds of ccrnn - crnn
  double t = 0.0, dof = 0.0, p = 1.0;
  bool tested = false;  // false with fewer than 2 paired seeds
};

/// Pairs values by position (same seed order); requires equal lengths.
Comparison compare(const std::vector<double>& ccrnn, const std::vector<double>& crnn);

/// "mean +- sem" with 4 significant decimals.
std::string mean_sem_text(const std::vector<double>& values);

/// Prints the per-model table for the given columns, then the ccrnn vs crnn comparison of `primary`.
void print_summary_table(const std::vector<std::string>& models, const std::map<std::string, ScalarsBySeed>& by_model,
                         const std::vector<tasks::SummaryColumn>& columns, const std::string& primary, std::size_t seeds);

/// Collects the records' scalars by model, seeds in the order of the records.
std::map<std::string, ScalarsBySeed> scalars_by_model(const std::vector<tasks::RunRecord>& records);

}  // namespace ccrnn::apps
