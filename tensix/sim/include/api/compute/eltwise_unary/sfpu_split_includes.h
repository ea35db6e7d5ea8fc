// tensix kernel-API header: the per-op SFPU headers ttnn selects with SFPU_OP_<NAME>_INCLUDE (all in one here) (API §4.7); implementations in api/compute/tx_sfpu.h
#pragma once
#include "api/compute/tx_sfpu.h"
