// tensix kernel-API header: gtz/ltz/eqz/nez/gez/lez_tile and unary_gt/lt/eq/ne/ge/le_tile (API §4.7); implementations in api/compute/tx_sfpu.h
#pragma once
#include "api/compute/tx_sfpu.h"
