// tensix kernel-API header: fill_tile, fill_tile_int, fill_tile_bitcast (API §4.7); implementations in api/compute/tx_sfpu.h
#pragma once
#include "api/compute/tx_sfpu.h"
