#include <ccrnn/tasks/model_store.hpp>
#include <ccrnn/tasks/run_record.hpp>
#include <ccrnn/tasks/run_recording.hpp>

#include <algorithm>

namespace ccrnn::tasks {

ResultArray ResultArray::reals(std::vector<double> values, std::vector<std::size_t> shape) {
  if (shape.empty()) shape = {values.size()};
  return {std::move(shape), std::move(values)};
}

ResultArray ResultArray::floats(std::vector<float> values, std::vector<std::size_t> shape) {
  return {std::move(shape), std::move(values)};
}

ResultArray ResultArray::integers(std::vector<std::int64_t> values) {
  const std::size_t n = values.size();
  return {{n}, std::move(values)};
}

ResultArray ResultArray::strings(std::vector<std::string> values) {
  const std::size_t n = values.size();
  return {{n}, std::move(values)};
}

void write_result_array(io::Group& group, const std::string& name, const ResultArray& array) {
  if (const auto* reals = std::get_if<std::vector<double>>(&array.values)) group.write(name, *reals, array.shape);
  else if (const auto* floats = std::get_if<std::vector<float>>(&array.values)) group.write(name, *floats, array.shape);
  else if (const auto* ints = std::get_if<std::vector<std::int64_t>>(&array.values)) group.write(name, *ints, array.shape);
  else {
    const auto& texts = std::get<std::vector<std::string>>(array.values);
    group.write(name, texts.empty() ? std::vector<std::string>{""} : texts);  // HDF5 has no empty string list
  }
}

void write_run_record(io::Group& group, const RunRecord& record, bool with_weights) {
  group.set_attr("model", record.model);
  group.set_attr("seed", static_cast<std::int64_t>(record.seed));
  group.set_attr("seconds", record.seconds);
  for (const auto& [name, value] : record.scalars) group.set_attr(name, value);
  for (const auto& [name, text] : record.strings) group.set_attr(name, text);
  for (const auto& [name, curve] : record.curves) group.write(name, curve);
  for (const auto& [name, array] : record.arrays) write_result_array(group, name, array);
  if (with_weights && !record.weights.empty()) {
    io::Group weights = group.create_group("weights");
    if (record.model_config) write_model_config(weights, *record.model_config);
    for (const auto& [which, parameters] : record.weights) {
      io::Group g = weights.create_group(which);
      for (const auto& [name, array] : parameters) write_result_array(g, name, array);
    }
  }
  write_recordings(group, record.recordings);
}

std::vector<std::string> write_settings(io::Group& group, const Settings& settings) {
  std::vector<std::string> names;
  for (const Setting& s : settings.all()) {
    std::visit([&](const auto& value) { group.set_attr(s.name, value); }, s.value());
    names.push_back(s.name);
  }
  return names;
}

void write_runs_by_model(io::Group& root, const std::vector<RunRecord>& records, bool with_weights) {
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
      write_run_record(seed, r, with_weights);
      ++seeds;
    }
    group.set_attr("seeds", seeds);
  }
}

}  // namespace ccrnn::tasks
