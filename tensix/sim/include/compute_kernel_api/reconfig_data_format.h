// legacy include path (before 2026-02)
#pragma once
#include "api/compute/reconfig_data_format.h"
