// legacy include path (before 2026-02)
#pragma once
#include "api/compute/dest_order_api.h"
