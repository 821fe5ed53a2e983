#include <ccrnn/metrics/population.hpp>
#include <ccrnn/tasks/run_recording.hpp>

#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace ccrnn::tasks {

std::vector<std::string> recording_curve_names() {
  return {"alignment_prediction",    "alignment_truncated",       "cortex_population_correlation",
          "cortex_mean_abs_r",       "cortex_coding_space",       "granule_population_correlation",
          "granule_mean_abs_r",      "granule_coding_space",      "granule_sparsity",
          "cortex_granule_r"};
}

RunRecorder::RunRecorder(const RecordingConfig& config) : config_(config) {
  for (const auto& name : recording_curve_names()) curves_[name];
}

BatchStats RunRecorder::train(Trainer<float>& trainer, const Model<float>& model, const Batch<float>& batch) {
  const long iteration = iteration_++;
  if (!should_record(iteration, config_.every)) return trainer.train_batch(batch);
  BoundaryRecording<float> rec;
  const BatchStats stats = recorder_.train_and_record(trainer, model, batch, rec, iteration);

  auto& v = epoch_values_;
  if (rec.predictions.size() > 0) v["alignment_prediction"].push_back(prediction_alignment(rec).mean);
  if (rec.truncated_gradients.size() > 0) v["alignment_truncated"].push_back(truncated_alignment(rec).mean);
  if (rec.learning_signals.size() > 0) {
    // BP(lambda) only, so the curves exist only in its runs (created at the first recording, iteration 0).
    const Alignment signal = learning_signal_alignment(rec);
    v["alignment_learning_signal"].push_back(signal.mean);
    for (size_t t = 0; t < signal.per_boundary.size(); ++t)
      v["alignment_learning_signal_t" + std::to_string(t)].push_back(signal.per_boundary[t]);
    for (const auto& [name, values] : v) curves_[name];
  }
  // Population statistics over the boundary samples j >= 1 (boundary 0 is the all-zero initial state).
  const Index B = rec.batch, samples = rec.windows * B;
  const Eigen::MatrixXd cortex = rec.states.rightCols(samples).cast<double>();
  v["cortex_population_correlation"].push_back(population_correlation(cortex));
  v["cortex_mean_abs_r"].push_back(mean_abs_correlation(cortex));
  v["cortex_coding_space"].push_back(coding_space(cortex));
  if (!rec.granule.empty()) {
    const Eigen::MatrixXd granule = rec.granule.front().rightCols(samples).cast<double>();
    v["granule_population_correlation"].push_back(population_correlation(granule));
    v["granule_mean_abs_r"].push_back(mean_abs_correlation(granule));
    v["granule_coding_space"].push_back(coding_space(granule));
    v["granule_sparsity"].push_back(population_sparsity(granule));
    v["cortex_granule_r"].push_back(mean_abs_cross_correlation(cortex, granule));
  }
  if (config_.arrays) kept_.push_back(std::move(rec));
  return stats;
}

void RunRecorder::save_state(RunState& state) const {
  if (config_.arrays)
    throw std::invalid_argument("--record-arrays: recordings kept whole are not checkpointed; leave out one of "
                                "--record-arrays and the checkpoint");
  state.put_integer("iteration", iteration_);
  for (const auto& [name, curve] : curves_) state.put_reals("curves/" + name, curve);
}

void RunRecorder::restore_state(const RunState& state) {
  iteration_ = static_cast<long>(state.integer("iteration"));
  // Every saved curve, not only those that exist before the first recording: BP(lambda)'s
  // alignment_learning_signal* curves are created at it, and were lost on resume when only curves_ was read.
  const std::string prefix = "curves/";
  for (const auto& [key, array] : state.items())
    if (key.compare(0, prefix.size(), prefix) == 0) curves_[key.substr(prefix.size())] = state.reals(key);
}

void RunRecorder::end_epoch() {
  for (auto& [name, curve] : curves_) {
    const auto found = epoch_values_.find(name);
    // NaN-valued entries (e.g. no variance) are skipped so that one degenerate batch does not hide the epoch.
    double sum = 0.0;
    int count = 0;
    if (found != epoch_values_.end())
      for (double x : found->second)
        if (std::isfinite(x)) {
          sum += x;
          ++count;
        }
    curve.push_back(count > 0 ? sum / count : std::numeric_limits<double>::quiet_NaN());
  }
  epoch_values_.clear();
}

namespace {
void write_matrix(io::Group& g, const std::string& name, const Matrix<float>& m) {
  if (m.size() == 0) return;
  std::vector<float> data(static_cast<std::size_t>(m.size()));
  for (Index r = 0; r < m.rows(); ++r)
    for (Index c = 0; c < m.cols(); ++c) data[static_cast<std::size_t>(r * m.cols() + c)] = m(r, c);
  g.write(name, data, {static_cast<std::size_t>(m.rows()), static_cast<std::size_t>(m.cols())});
}
}  // namespace

void write_recordings(io::Group& group, const std::vector<BoundaryRecording<float>>& recordings) {
  if (recordings.empty()) return;
  io::Group all = group.create_group("recordings");
  for (const auto& rec : recordings) {
    io::Group g = all.create_group("iter_" + std::to_string(rec.iteration));
    g.set_attr("iteration", static_cast<std::int64_t>(rec.iteration));
    g.set_attr("batch", static_cast<std::int64_t>(rec.batch));
    g.set_attr("truncation", static_cast<std::int64_t>(rec.truncation));
    g.set_attr("windows", static_cast<std::int64_t>(rec.windows));
    g.set_attr("cerebellum", to_string(rec.cerebellum));
    g.set_attr("task_loss", rec.task_loss);
    std::vector<std::int64_t> steps(rec.steps.begin(), rec.steps.end());
    g.write("steps", steps);
    write_matrix(g, "states", rec.states);
    for (std::size_t i = 0; i < rec.granule.size(); ++i) write_matrix(g, "granule_" + std::to_string(i), rec.granule[i]);
    write_matrix(g, "predictions", rec.predictions);
    write_matrix(g, "targets", rec.targets);
    write_matrix(g, "true_gradients", rec.true_gradients);
    write_matrix(g, "truncated_gradients", rec.truncated_gradients);
    write_matrix(g, "learning_signals", rec.learning_signals);
    write_matrix(g, "true_learning_signals", rec.true_learning_signals);
    write_matrix(g, "td_errors", rec.td_errors);
  }
}

}  // namespace ccrnn::tasks
