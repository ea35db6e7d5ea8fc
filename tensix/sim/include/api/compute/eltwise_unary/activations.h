// tensix kernel-API header: activations (elu, selu, softplus, hardtanh, sigmoid, silu, ...) (API §4.7); implementations in api/compute/tx_sfpu.h
#pragma once
#include "api/compute/tx_sfpu.h"
