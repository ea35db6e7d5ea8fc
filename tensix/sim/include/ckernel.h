// tensix: the ckernel namespace of the compute API plus SFPI (tx_sfpi.h), for kernels that include
// the low-level LLK header names.
#pragma once
#include "api/compute/tx_compute.h"
