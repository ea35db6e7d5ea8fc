// tensix: the same header at its tt-metal path (hostdevcommon/api on the include path)
#pragma once
#include "hostdevcommon/dprint_common.h"
