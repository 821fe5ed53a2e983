#include <ccrnn/tasks/loop_consolidation.hpp>

#include <vector>

namespace ccrnn::tasks {

void consolidate_run(Model<float>& model, const ConsolidationConfig& config, const LoopSettings& trial,
                     const SleepHooks& hooks, RunRecord& record) {
  if (config.sessions <= 0) return;
  const Vector<float> trained = model.params.values();
  Consolidation<float> sleep(model, config);
  std::vector<double> intact, ablated, norm, cosine, residual;
  const auto measure = [&] {
    const auto [i, a] = hooks.evaluate();
    intact.push_back(i);
    ablated.push_back(a);
    norm.push_back(sleep.cerebellar_weight_norm());
  };
  measure();
  for (Index s = 0; s < config.sessions; ++s) {
    const SleepSessionStats stats = sleep.session(hooks.next_trials(), trial);
    cosine.push_back(stats.cosine);
    residual.push_back(stats.residual);
    measure();
  }
  record.scalars["sleep_test_error"] = intact.back();
  record.scalars["sleep_ablated_test_error"] = ablated.back();
  const auto put = [&record](const char* name, std::vector<double> values) {
    const std::size_t n = values.size();
    record.arrays[name] = ResultArray::reals(std::move(values), {n});
  };
  put("sleep_error", std::move(intact));
  put("sleep_ablated_error", std::move(ablated));
  put("sleep_cerebellar_norm", std::move(norm));
  put("sleep_cosine", std::move(cosine));
  put("sleep_fit_residual", std::move(residual));
  model.params.values() = trained;
}

}  // namespace ccrnn::tasks
