#pragma once
#include "llk_math_eltwise_binary_sfpu_macros.h"
