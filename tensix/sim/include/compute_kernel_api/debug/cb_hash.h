// legacy include path (before 2026-02)
#pragma once
#include "api/compute/debug/cb_hash.h"
