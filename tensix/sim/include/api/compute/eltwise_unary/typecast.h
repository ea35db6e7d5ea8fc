// tensix kernel-API header: typecast_tile<IN_DF, OUT_DF> (API §4.7); implementations in api/compute/tx_sfpu.h
#pragma once
#include "api/compute/tx_sfpu.h"
