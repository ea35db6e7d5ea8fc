// SFPI support for custom SFPU kernels lives here (see tx_sfpi.h in this directory tree).
#pragma once
