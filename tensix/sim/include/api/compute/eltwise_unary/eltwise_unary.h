// tensix kernel-API header: unary SFPU set-up (init_sfpu, unary_op_init_common) and the SFPU ops (API §4.7); implementations in api/compute/tx_sfpu.h
#pragma once
#include "api/compute/tx_sfpu.h"
