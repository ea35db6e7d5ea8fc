// tensix kernel-API header: gelu_tile, gelu_derivative_tile (API §4.7); implementations in api/compute/tx_sfpu.h
#pragma once
#include "api/compute/tx_sfpu.h"
