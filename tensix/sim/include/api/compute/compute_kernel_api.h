// tensix kernel-API header: general SFPU ops (sigmoid, log, tanh, abs, sign, square, power, exp2, expm1, heaviside, silu, unary max/min, ...) (API §4.7); implementations in api/compute/tx_sfpu.h
#pragma once
#include "api/compute/tx_sfpu.h"
