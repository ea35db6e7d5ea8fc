// tensix kernel-API header: relu, relu_max, relu_min, leaky_relu (API §4.7); implementations in api/compute/tx_sfpu.h
#pragma once
#include "api/compute/tx_sfpu.h"
