// tensix: hostdev/device_print_common.h (API-current §2.1); the DEVICE_PRINT types live in api/debug/device_print.h
#pragma once
#include "api/debug/device_print.h"
