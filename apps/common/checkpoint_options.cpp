#include "checkpoint_options.hpp"

namespace ccrnn::apps {

tasks::CheckpointOptions CheckpointSettings::for_run(const std::string& path) const {
  tasks::CheckpointOptions options;
  if (!enabled()) return options;
  options.path = path;
  options.every = every;
  options.restart = restart;
  return options;
}

po::options_description describe_checkpoints(CheckpointSettings& s, bool with_location) {
  po::options_description d("Checkpoints (docs/checkpoints.md)");
  d.add_options()
      ("checkpoint-every", option_with_default(&s.every),
       "write each run's checkpoint after every N-th epoch, after its last one and on SIGINT/SIGTERM (then exit "
       "non-zero); the same command then resumes each run where it stopped, with bit-identical results; 0 = none")
      ("restart", po::bool_switch(&s.restart),
       "start every run from epoch 0 and replace its checkpoint (needed after a refused one: another configuration, "
       "or a truncated or corrupt file)");
  if (with_location)
    d.add_options()
        ("checkpoint-dir", option_with_default(&s.directory), "where the runs' checkpoints are kept (<model>.seed<k>.h5); "
                                                              "empty = <out without .h5>.checkpoint")
        ("keep-checkpoints", po::bool_switch(&s.keep),
         "keep the checkpoints once --out is written (by default they are removed), e.g. to continue with more --epochs");
  return d;
}

bool is_checkpoint_option(const std::string& name) {
  return name == "checkpoint_every" || name == "restart" || name == "checkpoint_dir" || name == "keep_checkpoints";
}

}  // namespace ccrnn::apps
