// tensix: ckernel::sfpu helpers usable from custom SFPI kernels (see tx_sfpi.h for the SFPI library).
#pragma once
#include "ckernel_sfpu_exp.h"
#include "ckernel_sfpu_recip.h"
#include "llk_math_eltwise_unary_sfpu_init.h"
