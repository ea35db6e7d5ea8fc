// legacy include path (before 2026-02)
#pragma once
#include "api/compute/sentinel/compute_kernel_sentinel.h"
