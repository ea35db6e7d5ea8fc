// tensix: SFPI for custom SFPU kernels (API §4.7). The library itself is tx_sfpi.h, which every compute
// kernel already gets through the compute API; this name is what SFPI code includes.
#pragma once
#include "api/compute/tx_compute.h"
