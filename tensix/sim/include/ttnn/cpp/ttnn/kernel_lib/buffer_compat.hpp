// tensix: ttnn/cpp/ttnn/kernel_lib/buffer_compat.hpp (API-current §4): the shared helpers live in common_types.hpp
#pragma once
#include "ttnn/cpp/ttnn/kernel_lib/common_types.hpp"
