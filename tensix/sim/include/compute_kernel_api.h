// legacy include path (before 2026-02)
#pragma once
#include "api/compute/compute_kernel_api.h"
