// ccrnn-seqmnist: online line drawing, online digit drawing and pattern recognition on sequential MNIST.
#include "../common/task_main.hpp"
#include "../common/task_registry.hpp"

int main(int argc, char** argv) {
  return ccrnn::apps::run_task_main(argc, argv, "ccrnn-seqmnist", ccrnn::apps::make_seqmnist_task());
}
