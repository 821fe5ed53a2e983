#include "results_layout.hpp"

#include <algorithm>

namespace ccrnn::apps {

void write_run_record(io::Group& group, const RunRecord& record) {
  group.set_attr("model", record.model);
  group.set_attr("seed", static_cast<std::int64_t>(record.seed));
  group.set_attr("seconds", record.seconds);
  for (const auto& [name, value] : record.scalars) group.set_attr(name, value);
  for (const auto& [name, curve] : record.curves) group.write(name, curve);
  if (record.write_arrays) record.write_arrays(group);
}

void write_runs_by_model(io::Group& root, const std::vector<RunRecord>& records) {
  std::vector<std::string> models;
  for (const auto& r : records)
    if (std::find(models.begin(), models.end(), r.model) == models.end()) models.push_back(r.model);
  for (const auto& model : models) {
    io::Group group = root.create_group(model);
    group.set_attr("model", model);
    std::int64_t seeds = 0;
    for (const auto& r : records) {
      if (r.model != model) continue;
      io::Group seed = group.create_group("seed_" + std::to_string(r.seed));
      write_run_record(seed, r);
      ++seeds;
    }
    group.set_attr("seeds", seeds);
  }
}

}  // namespace ccrnn::apps
