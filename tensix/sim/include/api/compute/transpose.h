// tensix kernel-API header (see api/compute/tx_compute.h)
#pragma once
#include "api/compute/tx_compute.h"
