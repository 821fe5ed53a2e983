#pragma once
// A task as the executables see it: its options, one run (one model, one seed), and what that run
// reports in a task-independent form. ccrnn-linedraw, ccrnn-seqmnist, ccrnn-caption and ccrnn-sweep all
// drive tasks through this interface, so options, output layout and statistics are the same everywhere.
#include "cli.hpp"

#include <ccrnn/io/hdf5_file.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ccrnn::apps {

/// A file a run writes beside the results file (for example generated captions as COCO results JSON),
/// named <out without .h5>.<model>.seed<k>.<suffix>; write(path, overwrite) must write atomically.
struct SideFile {
  std::string suffix;
  std::function<void(const std::string& path, bool overwrite)> write;
};

/// What one run reports. Written as /<model>/seed_<k>/ (docs/results-format.md).
struct RunRecord {
  std::string model;
  std::uint64_t seed = 0;
  std::map<std::string, std::vector<double>> curves;  // one value per epoch (datasets)
  std::map<std::string, double> scalars;              // final metrics (attributes)
  std::function<void(io::Group&)> write_arrays;       // task-specific datasets (trajectories, captions, ...)
  std::vector<SideFile> side_files;                   // written by the task executables only, not by sweeps
  double seconds = 0.0;
};

/// A column of the summary table: a scalar of RunRecord, and how to print it.
struct SummaryColumn {
  std::string scalar;
  std::string heading;
};

/// Called after every epoch of a run; the argument is the 1-based epoch.
using EpochProgress = std::function<void(int)>;

class Task {
 public:
  virtual ~Task() = default;
  /// Short name used by ccrnn-sweep --task (linedraw, seqmnist, caption).
  virtual std::string name() const = 0;
  /// One paragraph for --help.
  virtual std::string summary() const = 0;
  /// The task's options with its defaults (model, cerebellum, training, data), bound to the task.
  virtual po::options_description options() = 0;
  /// Checks the parsed options against the models to train (UsageError for anything the user must fix)
  /// and prepares what all runs share (for example loads or generates a data set once).
  virtual void prepare(const po::variables_map& vm, const std::vector<std::string>& models) = 0;
  /// Epochs per run (for progress and ETA).
  virtual int epochs() const = 0;
  /// One complete run. Thread-safe after prepare(): runs of different models and seeds go in parallel.
  virtual RunRecord run(const std::string& model, std::uint64_t seed, const EpochProgress& on_epoch) const = 0;
  /// Suffixes of the side files every run writes (checked before the runs, so that nothing is lost).
  virtual std::vector<std::string> side_file_suffixes() const { return {}; }
  /// Datasets written once per results file (targets, vocabulary, ...).
  virtual void write_task_data(io::Group& /*root*/) const {}
  /// The scalar compared across models (paired t-test, ccRNN relative to cRNN); an error: lower is better.
  virtual std::string primary_scalar() const = 0;
  /// Defaults of the run options.
  virtual std::string default_seeds() const { return "10"; }
  /// Columns of the summary table, in order.
  virtual std::vector<SummaryColumn> summary_columns() const = 0;
  /// One line for the progress output when a run ends.
  virtual std::string describe_run(const RunRecord& record) const;
};

/// A new task by name; throws UsageError naming the known tasks.
std::unique_ptr<Task> make_task(const std::string& name);
/// The names make_task knows, in a fixed order.
std::vector<std::string> task_names();

}  // namespace ccrnn::apps
