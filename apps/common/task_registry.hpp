#pragma once
// Factories of the tasks the executables know (each defined in its own <name>_task.cpp).
#include "task.hpp"

#include <memory>

namespace ccrnn::apps {

std::unique_ptr<Task> make_linedraw_task();
std::unique_ptr<Task> make_seqmnist_task();
std::unique_ptr<Task> make_caption_task();

}  // namespace ccrnn::apps
