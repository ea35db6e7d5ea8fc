// tensix kernel-API header: sin/cos/tan/asin/acos/atan/sinh/cosh/asinh/acosh/atanh_tile (API §4.7); implementations in api/compute/tx_sfpu.h
#pragma once
#include "api/compute/tx_sfpu.h"
