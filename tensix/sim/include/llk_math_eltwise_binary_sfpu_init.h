// tensix: see llk_math_eltwise_unary_sfpu_init.h
#pragma once
#include "llk_math_eltwise_unary_sfpu_init.h"
