#pragma once
// How a plastic loop cortex computes its gradient (docs/forward-model.md):
//   bptt:  BPTT through the whole trial;
//   eprop: e-prop (loop/eprop.hpp), the reference's rule;
//   tbptt: truncated BPTT, windows of T steps (dni/tbptt.hpp), no gradient crossing a window's start;
//   dni:   truncated BPTT with the DNI cerebellum's synthetic gradient injected at every window's end and
//          the DNI trained on its bootstrapped targets, exactly as the DNI trainer (ALGORITHM.md section 4).
#include <string>

namespace ccrnn {

enum class CorticalRule { bptt, eprop, tbptt, dni };
/// Throws std::invalid_argument naming the four.
CorticalRule parse_cortical_rule(const std::string& name);
const char* to_string(CorticalRule rule);
/// tbptt and dni: the rules that learn by windows of T steps.
inline bool windowed(CorticalRule rule) { return rule == CorticalRule::tbptt || rule == CorticalRule::dni; }

}  // namespace ccrnn
