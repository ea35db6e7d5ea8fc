// tensix kernel-API header: where_tile<DataFormat> (API §4.7); implementations in api/compute/tx_sfpu.h
#pragma once
#include "api/compute/tx_sfpu.h"
