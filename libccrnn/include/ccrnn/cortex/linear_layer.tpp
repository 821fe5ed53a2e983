#pragma once
// The linear layer's equations are the Elman cell's (elman_cell.tpp). Included only by libccrnn/src.
#include <ccrnn/cortex/elman_cell.tpp>
#include <ccrnn/cortex/linear_layer.hpp>
