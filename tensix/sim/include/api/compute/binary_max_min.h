// tensix kernel-API header: binary_max_tile / binary_min_tile (API §4.7); implementations in api/compute/tx_sfpu.h
#pragma once
#include "api/compute/tx_sfpu.h"
