// Explicit instantiations of the cerebellum for float (runs) and double (gradient checks).
#include <ccrnn/cerebellum/cerebellum.tpp>

namespace ccrnn {
template class Cerebellum<float>;
template class Cerebellum<double>;
}  // namespace ccrnn
