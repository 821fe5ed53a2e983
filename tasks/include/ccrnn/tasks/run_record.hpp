#pragma once
// What one run reports, in one task-independent record: made once by the run loop and the task, written
// by write_run_record (the one HDF5 writer; layout in docs/results-format.md) and converted once to Python.
#include <ccrnn/dni/recording.hpp>
#include <ccrnn/io/hdf5_file.hpp>
#include <ccrnn/model.hpp>
#include <ccrnn/tasks/settings.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace ccrnn::tasks {

/// An n-dimensional array of a run (row-major, shape as in numpy): trajectories (n, L, 2), image indices
/// (n,), generated captions (n,), ...
struct ResultArray {
  std::vector<std::size_t> shape;
  std::variant<std::vector<double>, std::vector<float>, std::vector<std::int64_t>, std::vector<std::string>> values;

  static ResultArray reals(std::vector<double> values, std::vector<std::size_t> shape = {});
  static ResultArray floats(std::vector<float> values, std::vector<std::size_t> shape);
  static ResultArray integers(std::vector<std::int64_t> values);
  static ResultArray strings(std::vector<std::string> values);
};

/// A file a run writes beside the results file (for example generated captions as COCO results JSON),
/// named <out without .h5>.<model>.seed<k>.<suffix>; write(path, overwrite) must write atomically.
struct SideFile {
  std::string suffix;
  std::function<void(const std::string& path, bool overwrite)> write;
};

struct RunRecord {
  std::string task;
  std::string model;  // crnn, ccrnn, bptt (or "custom" for a configuration run as given)
  std::uint64_t seed = 0;
  int epochs_run = 0;
  std::map<std::string, std::vector<double>> curves;  // one value per epoch run
  std::map<std::string, double> scalars;              // final metrics
  std::map<std::string, ResultArray> arrays;          // task arrays
  std::map<std::string, std::string> strings;         // texts (e.g. the data source)
  std::vector<BoundaryRecording<float>> recordings;   // whole recordings (RecordingConfig::arrays)
  std::vector<SideFile> side_files;                   // written by the task executables only, not by sweeps
  /// The trained parameters under PyTorch's names and shapes (float32): "final" (after the last epoch)
  /// and, for tasks that select an epoch, "best" (the tested model); see model_store.hpp.
  std::map<std::string, std::map<std::string, ResultArray>> weights;
  std::optional<ModelConfig> model_config;            // the trained model's configuration (sizes set)
  double seconds = 0.0;
};

/// One array as a dataset `name` of `group`, typed as its values (float64, float32, int64, strings).
void write_result_array(io::Group& group, const std::string& name, const ResultArray& array);

/// Fills `group` with one run: attributes model, seed, seconds, every scalar and string; a dataset per
/// curve and per array; recordings under recordings/iter_<k>/; with_weights: the weights (model_store.hpp).
void write_run_record(io::Group& group, const RunRecord& record, bool with_weights = true);

/// Every setting as a typed attribute under its name (integers and flags int64, reals double, texts
/// string); returns the names written.
std::vector<std::string> write_settings(io::Group& group, const Settings& settings);

/// /<model>/seed_<k>/ for every record (models in first-seen order), as the task executables write them.
void write_runs_by_model(io::Group& root, const std::vector<RunRecord>& records, bool with_weights = true);

}  // namespace ccrnn::tasks
