// legacy include path (before 2026-02)
#pragma once
#include "api/compute/eltwise_unary/sfpu_split_includes.h"
