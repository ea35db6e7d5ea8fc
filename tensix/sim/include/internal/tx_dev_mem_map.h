// tensix: the memory-map macros kernels see (API-current §12.4, dev_mem_map.h). Values come from the
// host: tensix/arch.py through -D flags, tensix/sim/protocol.py through tx_protocol.h. Addresses are L1 offsets, usable as NoC
// local addresses (get_noc_addr(MEM_ZEROS_BASE)); a kernel pointer to its own L1 is get_write_ptr(cb)
// or a Buffer runtime arg.
#pragma once
#include "tx_protocol.h"
#define MEM_L1_BASE 0
#define MEM_L1_SIZE TX_L1_SIZE
#define L1_UNRESERVED_BASE TX_L1_UNRESERVED_BASE
#define MEM_MAP_END TX_L1_UNRESERVED_BASE
#define MEM_ZEROS_BASE (tx_protocol::ZEROS_OFFSET)
#define MEM_ZEROS_SIZE (tx_protocol::ZEROS_SIZE)
#define MEM_MAX_KERNEL_SIZE (TX_L1_SIZE - TX_L1_UNRESERVED_BASE)
