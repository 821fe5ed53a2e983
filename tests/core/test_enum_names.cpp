// Every option that names an enum value: each name reads back to itself, and an unknown name is refused
// with the exact message users see (typed here by hand, so a change of wording or of the name list fails).
#include <catch2/catch.hpp>

#include <ccrnn/core/enum_names.hpp>
#include <ccrnn/cortex/recurrent_layer.hpp>
#include <ccrnn/dni/bp_lambda.hpp>
#include <ccrnn/loop/consolidation.hpp>
#include <ccrnn/loop/cortical_rule.hpp>
#include <ccrnn/loop/forward_cerebellum.hpp>
#include <ccrnn/loop/loop.hpp>
#include <ccrnn/loop/loop_trainer.hpp>
#include <ccrnn/tasks/caption/run.hpp>
#include <ccrnn/tasks/digit_templates.hpp>
#include <ccrnn/tasks/experiment.hpp>
#include <ccrnn/tasks/seqmnist.hpp>
#include <ccrnn/train/optimizers.hpp>
#include <ccrnn/train/trainer.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace {

template <class Parse>
void check_names_round_trip(Parse parse, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    INFO(name);
    using ccrnn::to_string;  // the library's overloads; the tasks' are found through their enums' namespace
    CHECK(std::string(to_string(parse(name))) == name);
  }
}

template <class Parse>
void check_refusal(Parse parse, const std::string& message) {
  try {
    parse("nonsense");
    FAIL("'nonsense' was accepted");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()) == message);
  }
}

}  // namespace

TEST_CASE("enum names: the table helper parses, names and lists", "[enum_names]") {
  enum class Colour { red, green, blue };
  static constexpr ccrnn::EnumName<Colour> colours[] = {{Colour::red, "red"}, {Colour::green, "green"}, {Colour::blue, "blue"}};
  CHECK(ccrnn::parse_enum(colours, "green", "colour") == Colour::green);
  CHECK(std::string(ccrnn::enum_name(colours, Colour::blue)) == "blue");
  CHECK(ccrnn::enum_name_list(colours) == "red, green or blue");
  CHECK_THROWS_WITH(ccrnn::parse_enum(colours, "Red", "colour"), "unknown colour 'Red' (expected red, green or blue)");
  static constexpr ccrnn::EnumName<Colour> two[] = {{Colour::red, "red"}, {Colour::blue, "blue"}};
  CHECK(ccrnn::enum_name_list(two) == "red or blue");
  CHECK(std::string(ccrnn::enum_name(two, Colour::green)) == "?");
  static constexpr ccrnn::EnumName<Colour> one[] = {{Colour::red, "red"}};
  CHECK(ccrnn::enum_name_list(one) == "red");
}

TEST_CASE("enum names: every library option reads back and refuses unknown names in its own words", "[enum_names]") {
  using namespace ccrnn;
  check_names_round_trip(parse_optimizer_kind, {"adam", "rmsprop", "sgd"});
  check_refusal(parse_optimizer_kind, "unknown optimizer 'nonsense' (expected adam, rmsprop or sgd)");
  check_names_round_trip(parse_io_lesion_clip, {"exclude", "include"});
  check_refusal(parse_io_lesion_clip, "unknown inferior-olive lesion clipping 'nonsense' (expected exclude or include)");
  check_names_round_trip(parse_td_reduction, {"mean", "sum"});
  check_refusal(parse_td_reduction, "unknown TD reduction 'nonsense' (expected mean or sum)");
  check_names_round_trip(parse_consolidation_rule, {"least_squares", "local"});
  check_refusal(parse_consolidation_rule, "unknown consolidation rule 'nonsense' (expected least_squares or local)");
  check_names_round_trip(parse_cell_type, {"lstm", "tanh", "gru", "leaky_tanh", "linear"});
  check_refusal(parse_cell_type, "unknown cell type 'nonsense' (expected lstm, tanh, gru, leaky_tanh or linear)");
  check_names_round_trip(parse_io_timing, {"reference", "notebook"});
  check_refusal(parse_io_timing, "unknown inferior-olive timing 'nonsense' (expected reference or notebook)");
  check_names_round_trip(parse_loop_feedback, {"cerebellum", "readout", "cerebellar-readout"});
  check_refusal(parse_loop_feedback, "unknown loop feedback 'nonsense' (expected cerebellum, readout or cerebellar-readout)");
  check_names_round_trip(parse_cortical_plasticity, {"fixed", "input", "all"});
  check_refusal(parse_cortical_plasticity, "unknown cortical plasticity 'nonsense' (expected fixed, input or all)");
  check_names_round_trip(parse_cortical_rule, {"bptt", "eprop", "tbptt", "dni"});
  check_refusal(parse_cortical_rule, "unknown cortical rule 'nonsense' (expected bptt, eprop, tbptt or dni)");
  CHECK(std::string(to_string(CerebellumState::absent)) == "absent");
  CHECK(std::string(to_string(CerebellumState::active)) == "active");
  CHECK(std::string(to_string(CerebellumState::frozen)) == "frozen");
  CHECK(std::string(to_string(CerebellumState::lesioned)) == "lesioned");
}

TEST_CASE("enum names: every task option reads back and refuses unknown names in its own words", "[enum_names]") {
  using namespace ccrnn::tasks;
  check_names_round_trip(parse_model_kind, {"crnn", "ccrnn", "bptt"});
  check_refusal(parse_model_kind, "unknown model 'nonsense' (expected crnn, ccrnn or bptt)");
  check_names_round_trip(parse_caption_encoder, {"frozen-pretrained", "trained"});
  check_refusal(parse_caption_encoder, "unknown encoder 'nonsense' (expected frozen-pretrained or trained)");
  check_names_round_trip(parse_digit_templates, {"reference", "ccrnn"});
  check_refusal(parse_digit_templates, "unknown digit templates 'nonsense' (expected reference or ccrnn)");
  check_names_round_trip(parse_seqmnist_target, {"line", "digit", "class"});
  check_refusal(parse_seqmnist_target, "unknown target 'nonsense' (expected line, digit or class)");
}
