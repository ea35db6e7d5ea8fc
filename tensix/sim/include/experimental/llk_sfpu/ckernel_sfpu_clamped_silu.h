// tensix: named by API-current §3.1 (op-specific; its body is not in the reference)
#pragma once
#error "experimental/llk_sfpu/ckernel_sfpu_clamped_silu.h is not provided by tensix yet"
