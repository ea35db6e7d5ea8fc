// tensix: the binary SFPU dispatch macros live with the unary ones
#pragma once
#include "llk_math_eltwise_unary_sfpu_macros.h"
