#pragma once
#include "llk_math_eltwise_unary_sfpu_macros.h"
