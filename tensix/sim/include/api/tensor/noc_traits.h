// tensix kernel-API header at its current path (API-current §5: Device 2.0 left `experimental`, PR #43934);
// the definitions are in experimental/tensor.h, which also gives the unqualified names.
#pragma once
#include "experimental/tensor.h"
