// tensix: the compute engine's contract between compute-kernel headers (api/compute/*) and the
// simulated chip's runtime (runtime/compute.cpp). The three TRISCs (unpack, math, pack) of a core run
// one compute kernel as one RISC-V coroutine; DST, unpacker and packer state live in the runtime.
#pragma once
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum tx_binop { TX_ADD = 0, TX_SUB = 1, TX_MUL = 2 };
enum tx_bcast { TX_BCAST_NONE = 0, TX_BCAST_COL = 1, TX_BCAST_ROW = 2, TX_BCAST_SCALAR = 3 };
enum tx_pool { TX_POOL_SUM = 0, TX_POOL_AVG = 1, TX_POOL_MAX = 2, TX_POOL_MIN = 3 };
enum tx_rdim { TX_REDUCE_ROW = 0, TX_REDUCE_COL = 1, TX_REDUCE_SCALAR = 2 };
enum tx_unit { TX_UNPACK_A = 0, TX_UNPACK_B = 1, TX_PACK = 2 };

// compute configuration of the kernel (from its ComputeConfig), set before kernel_main runs
void tx_compute_config(uint32_t math_fidelity, uint32_t fp32_dest_acc_en, uint32_t dst_full_sync_en, uint32_t approx);

// data formats the unpackers / packer are configured for (init and reconfig calls)
void tx_configure(int unit, uint32_t cb, const char* call);

// DST: acquire -> commit -> wait -> release (release zeroes the DST half)
void tx_dst_acquire(void);
void tx_dst_commit(void);
void tx_dst_wait(void);
void tx_dst_release(void);
void tx_dst_acquire_legacy(void);   // acquire_dst(): acquire + wait
void tx_dst_release_legacy(void);   // release_dst(): commit + release (no-op when nothing is held)

// FPU
void tx_copy_tile(uint32_t cb, uint32_t itile, uint32_t idst, uint32_t transpose, const char* call);
void tx_binary(int op, int bcast, uint32_t cb0, uint32_t cb1, uint32_t t0, uint32_t t1, uint32_t idst,
               uint32_t acc_to_dest, uint32_t bcast_row, const char* call);
void tx_binary_dest_reuse(int op, int reuse, uint32_t cb, uint32_t t, uint32_t idst);
void tx_matmul(uint32_t cb0, uint32_t cb1, uint32_t t0, uint32_t t1, uint32_t idst, uint32_t transpose,
               uint32_t ct, uint32_t rt, uint32_t kt, const char* call);
void tx_transpose_wh(uint32_t cb, uint32_t t, uint32_t idst);
void tx_reduce(int pool, int dim, uint32_t cb, uint32_t cb_scaler, uint32_t t, uint32_t ts, uint32_t idst, uint32_t fp32acc);
void tx_unary_bcast(int bcast, uint32_t cb, uint32_t t, uint32_t idst);

// packer
void tx_pack_l1_acc(uint32_t enable);   // pack_reconfig_l1_acc: later packs add to the L1 tile
void tx_pack_relu(uint32_t mode, uint32_t threshold);   // packer ReLU (0 none, 1 max(0, x))
void tx_pack_tile(uint32_t idst, uint32_t cb, int32_t out_index, const char* call);
void tx_tilize_block(uint32_t icb, uint32_t block, uint32_t ocb, uint32_t in_index, uint32_t out_index);
void tx_untilize_block(uint32_t icb, uint32_t ntiles, uint32_t ocb);
void tx_pack_untilize_dest(uint32_t ocb, uint32_t block_rt, uint32_t block_ct, uint32_t block_c_index, uint32_t full_ct,
                           uint32_t row0);   // first tile row of the output block to write

// SFPU: direct access to a DST tile (1024 32-bit words in face order) for the math thread
uint32_t* tx_dst_tile(uint32_t idst, const char* call);
void tx_sfpu_done(uint32_t idst, uint32_t cycles, uint32_t is_int);   // rounds DST to its precision, charges cycles
uint32_t tx_fp32_dest_acc_en(void);
uint32_t tx_dst_capacity(void);

// compute-side CB helpers
uint32_t tx_cb_tile_address(uint32_t cb, uint32_t tile);     // kernel address of a tile at the front
uint32_t tx_read_tile_value(uint32_t cb, uint32_t tile, uint32_t element);

#ifdef __cplusplus
}
#endif
