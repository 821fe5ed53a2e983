#pragma once
// Reading the runs of any ccrnn results file (a sweep's /runs/<run>/ or a task executable's
// /<model>/seed_<k>/) and printing, per condition, mean +- SEM per model, the ccRNN relative to the
// cRNN and the paired t-test across seeds (ccrnn-report, and the end of ccrnn-sweep).
#include <ccrnn/io/hdf5_file.hpp>

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace ccrnn::apps {

struct StoredRun {
  std::string condition;  // "" for the file of a task executable
  std::string model;
  std::uint64_t seed = 0;
  std::map<std::string, double> scalars;
  std::map<std::string, std::vector<double>> curves;  // per-epoch datasets (train_error, alignment_*, ...)
  std::string failed;  // why the run failed (a sweep's run that diverged or raised an error); "" if it finished
};

struct StoredResults {
  std::string task;
  std::string primary;  // the compared scalar (root attribute primary_scalar; final_train_error if absent)
  std::vector<StoredRun> runs;
  std::vector<std::string> conditions;  // in first-seen order
};

/// Reads either layout; throws std::runtime_error naming the file if it holds no runs.
StoredResults read_stored_results(const io::File& file);

/// The scalars of the summary table of the file's task, from the registry, with the task's settings as the
/// file records them (e.g. seqMNIST's columns depend on its target); empty for a task not registered here.
std::vector<std::string> task_summary_scalars(const io::File& file, const StoredResults& results);

/// Prints the report of every condition to `out`. Scalars shown: the primary one, then
/// test_accuracy where runs have one, then any of `extra` that exist. Failed runs are left out of the
/// statistics and listed after them with their reason (print_failed_runs).
void print_report(const StoredResults& results, std::FILE* out, const std::vector<std::string>& extra = {});

/// Lists the failed runs (condition, model, seed, reason) under the heading "FAILED runs"; nothing if none.
void print_failed_runs(const StoredResults& results, std::FILE* out);

/// Prints a per-epoch curve (mean +- SEM over seeds, NaN entries left out) at five epochs (first, 25%,
/// 50%, 75%, last) per condition and model.
void print_curve(const StoredResults& results, const std::string& curve, std::FILE* out);

}  // namespace ccrnn::apps
