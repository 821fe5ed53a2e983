#include <ccrnn/tasks/loop_task.hpp>

#include <cstdio>

namespace ccrnn::tasks {

std::vector<SummaryColumn> LoopTask::summary_columns() const {
  std::vector<SummaryColumn> columns{{"final_train_error", "final train error"}, {"test_error", "test error"},
                                     {"ablated_test_error", "test error, cerebellum ablated"}};
  if (loop_->ablate_units > 0) columns.push_back({"unit_ablated_test_error", "cortical units ablated"});
  if (loop_->sleep.sessions > 0)
    columns.insert(columns.end(), {{"sleep_test_error", "after sleep"}, {"sleep_ablated_test_error", "after sleep, ablated"}});
  return columns;
}

std::string LoopTask::describe_run(const RunRecord& r) const {
  char line[200];
  std::snprintf(line, sizeof line, "%s seed %llu: test error %.4f, ablated %.4f (%.1f s)", r.model.c_str(),
                static_cast<unsigned long long>(r.seed), r.scalars.at("test_error"), r.scalars.at("ablated_test_error"),
                r.seconds);
  return line;
}

void LoopTask::bind_loop_task_settings(ExperimentConfig& config, LoopTaskSettings& loop) {
  loop_ = &loop;
  Settings& s = settings_;
  bind_cortex_settings(s, config);
  bind_loop_settings(s, config, loop);
  SharedSettings offer;
  offer.step_per_window = false;
  offer.truncation = false;
  offer.bp_lambda = false;  // the loop trains its own way (LoopTrainer), not by the DNI or BP(lambda)
  bind_training_settings(s, config, offer);
  s.section("Task");
}

void LoopTask::bind_trial_sizes(LoopRunConfig& config) {
  Settings& s = settings_;
  s.add("train_size", &config.train_size, "fresh training trials per epoch");
  s.add("val_size", &config.validation_size, "validation trials");
  s.add("test_size", &config.test_size, "test trials");
}

void LoopTask::validate_loop_task(const LoopRunConfig& config, const std::vector<ModelKind>& models, double noise,
                                  Index length) const {
  validate_loop_settings(settings_, config, config.loop, models, length);
  require_at_least("noise", noise, 0);
  require_at_least("length", static_cast<double>(length), 2);
  require_at_least("train_size", static_cast<double>(config.train_size), 1);
  require_at_least("val_size", static_cast<double>(config.validation_size), 1);
  require_at_least("test_size", static_cast<double>(config.test_size), 1);
}

}  // namespace ccrnn::tasks
