#pragma once
// The line-drawing results layout (docs/results-format.md): targets, cues, and per model and seed the
// learning curves, test metrics and drawn trajectories.
#include <ccrnn/io/hdf5_file.hpp>
#include <ccrnn/tasks/line_drawing_run.hpp>

#include <map>
#include <string>
#include <vector>

namespace ccrnn::apps {

void write_line_drawing_results(io::Group& root, const tasks::LineDrawing& task,
                                const std::map<std::string, std::vector<tasks::LineDrawingRunResult>>& by_model);

}  // namespace ccrnn::apps
