#pragma once
#include "api/dataflow/dataflow_api.h"
#include "api/kernel_thread_globals.h"
