// tensix kernel-API header: binary SFPU ops on two DST tiles (add|sub|mul|div|rsub|power|eq|ne|lt|gt|le|ge_binary_tile) (API §4.7); implementations in api/compute/tx_sfpu.h
#pragma once
#include "api/compute/tx_sfpu.h"
