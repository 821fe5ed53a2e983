#include "summary_table.hpp"

#include <ccrnn/metrics/statistics.hpp>

#include <cstdio>
#include <stdexcept>

namespace ccrnn::apps {

Comparison compare(const std::vector<double>& ccrnn, const std::vector<double>& crnn) {
  if (ccrnn.size() != crnn.size()) throw std::invalid_argument("compare: ccrnn and crnn have different seed counts");
  Comparison c;
  if (ccrnn.empty()) return c;
  c.relative = mean(ccrnn) / mean(crnn);
  if (ccrnn.size() >= 2) {
    const TTest t = paired_t_test(ccrnn, crnn);
    c.mean_difference = t.mean_difference;
    c.t = t.t;
    c.dof = t.dof;
    c.p = t.p_two_sided;
    c.tested = true;
  } else {
    c.mean_difference = ccrnn[0] - crnn[0];
  }
  return c;
}

std::string mean_sem_text(const std::vector<double>& values) {
  char text[64];
  if (values.size() >= 2)
    std::snprintf(text, sizeof text, "%.4f +- %.4f", mean(values), sem(values));
  else
    std::snprintf(text, sizeof text, "%.4f", values.empty() ? 0.0 : values[0]);
  return text;
}

std::map<std::string, ScalarsBySeed> scalars_by_model(const std::vector<tasks::RunRecord>& records) {
  std::map<std::string, ScalarsBySeed> out;
  for (const auto& r : records)
    for (const auto& [name, value] : r.scalars) out[r.model][name].push_back(value);
  return out;
}

void print_summary_table(const std::vector<std::string>& models, const std::map<std::string, ScalarsBySeed>& by_model,
                         const std::vector<tasks::SummaryColumn>& columns, const std::string& primary, std::size_t seeds) {
  std::printf("\n%-6s", "model");
  for (const auto& c : columns) std::printf(" %-22s", c.heading.c_str());
  std::printf("\n");
  for (const auto& model : models) {
    const auto found = by_model.find(model);
    if (found == by_model.end()) continue;
    std::printf("%-6s", model.c_str());
    for (const auto& c : columns) {
      const auto values = found->second.find(c.scalar);
      std::printf(" %-22s", values == found->second.end() ? "-" : mean_sem_text(values->second).c_str());
    }
    std::printf("\n");
  }
  std::printf("(mean +- SEM over %zu seeds; definitions in docs/metrics.md)\n", seeds);
  if (by_model.count("crnn") && by_model.count("ccrnn")) {
    const Comparison c = compare(by_model.at("ccrnn").at(primary), by_model.at("crnn").at(primary));
    std::printf("ccrnn relative to crnn, %s: %.3f (mean ccrnn / mean crnn; < 1 means the cerebellum helps)\n",
                primary.c_str(), c.relative);
    if (c.tested)
      std::printf("paired t-test, %s, ccrnn - crnn: mean difference %.4f, t(%.0f) = %.3f, p = %.3g\n", primary.c_str(),
                  c.mean_difference, c.dof, c.t, c.p);
    else
      std::printf("paired t-test needs at least 2 seeds\n");
  }
}

}  // namespace ccrnn::apps
