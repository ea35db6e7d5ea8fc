// tensix: _llk_math_eltwise_unary_sfpu_params_ is defined in tx_sfpi.h (always available to compute
// kernels); this is the LLK header name for it.
#pragma once
#include "llk_math_eltwise_unary_sfpu_init.h"
