// legacy include path (before 2026-02)
#pragma once
#include "api/compute/eltwise_binary_sfpu.h"
