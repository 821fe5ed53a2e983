// ccrnn-caption: caption generation, cRNN vs ccRNN, on COCO-format data or the built-in scenes.
#include "../common/task_main.hpp"
#include "../common/task_registry.hpp"

int main(int argc, char** argv) {
  return ccrnn::apps::run_task_main(argc, argv, "ccrnn-caption", ccrnn::apps::make_caption_task());
}
