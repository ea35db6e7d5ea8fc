// tensix: the contract between kernel code (compiled against tensix's kernel-API headers) and the
// simulated chip's runtime (tensix/sim/runtime). Kernels call these C functions; the runtime, linked
// into the device process with -rdynamic, defines them. Plain C types only.
#pragma once
#include <stdint.h>
#include <stddef.h>
#include "tx_protocol.h"   // generated from tensix/sim/protocol.py

#ifdef __cplusplus
extern "C" {
#endif

// What the running RISC-V sees of itself. The runtime points tx_cur at the running one.
typedef struct tx_risc_view {
    const uint32_t* rta;          // runtime args (in this core's L1)
    const uint32_t* crta;         // common runtime args (in this core's L1)
    uint32_t num_rta, num_crta;
    uint32_t l1_base;             // kernel address of this core's L1 byte 0
    uint32_t sem_base;            // kernel address of semaphore 0 (stride TX_SEM_STRIDE)
    uint8_t my_x[2], my_y[2];     // this core's NoC coordinates as kernels use them, per NoC
    uint8_t logical_x, logical_y;
    uint8_t processor;            // 0 BRISC, 1 NCRISC, 2 TRISC (compute)
    uint8_t pad;
    uint64_t read_state_addr, write_state_addr;   // *_set_state / *_with_state NoC calls
    uint32_t read_state_size, write_state_size;
    uint32_t cstate[8];           // compute-kernel init state (transpose flags, acc_to_dest, ...)
} tx_risc_view;

extern tx_risc_view* tx_cur;

// bank tables, filled by the runtime like the firmware fills them on silicon
extern uint16_t tx_dram_bank_to_noc_xy[2][64];
extern int32_t tx_bank_to_dram_offset[64];
extern uint16_t tx_l1_bank_to_noc_xy[2][256];
extern int32_t tx_bank_to_l1_offset[256];

// circular buffers
void tx_cb_reserve_back(int32_t cb, int32_t n);
void tx_cb_push_back(int32_t cb, int32_t n);
void tx_cb_wait_front(int32_t cb, int32_t n);
void tx_cb_pop_front(int32_t cb, int32_t n);
int tx_cb_pages_reservable_at_back(int32_t cb, int32_t n);
int tx_cb_pages_available_at_front(int32_t cb, int32_t n);
uint32_t tx_cb_write_ptr(int32_t cb);   // kernel address
uint32_t tx_cb_read_ptr(int32_t cb);
uint32_t tx_cb_page_size(int32_t cb);
uint32_t tx_cb_tile_size(int32_t cb);
uint32_t tx_cb_data_format(int32_t cb);
// base, size, page size, pages, read ptr, write ptr (kernel addresses / bytes), acked | received << 16, wr tile ptr
void tx_cb_state(int32_t cb, uint32_t* out);

// NoC
void tx_noc_read(uint64_t src_noc_addr, uint32_t dst_l1, uint32_t size, uint8_t noc);
void tx_noc_write(uint32_t src_l1, uint64_t dst_noc_addr, uint32_t size, uint8_t noc, int posted);
void tx_noc_write_multicast(uint32_t src_l1, uint64_t dst_mcast_addr, uint32_t size, uint32_t num_dests,
                            int loopback, uint8_t noc);
void tx_noc_inline_write(uint64_t dst_noc_addr, uint32_t value, uint8_t be, uint8_t noc);
void tx_noc_read_barrier(uint8_t noc);
void tx_noc_write_barrier(uint8_t noc);
void tx_noc_writes_flushed(uint8_t noc);
void tx_noc_atomic_barrier(uint8_t noc);
void tx_noc_full_barrier(uint8_t noc);
// transaction ids (16 per NoC interface): the sticky id of the read (write = 0) or write buffer, and
// a barrier that waits only for requests tagged with one id
void tx_noc_set_trid(uint32_t trid, uint8_t noc, int write);
void tx_noc_trid_barrier(uint32_t trid, uint8_t noc, int write);
// a multicast that leaves its chain open (linked) keeps the path reservation for the next packet
void tx_noc_write_multicast_linked(uint32_t src_l1, uint64_t dst_mcast_addr, uint32_t size, uint32_t num_dests,
                                   int loopback, int linked, uint8_t noc);

// semaphores (addresses are kernel L1 addresses or NoC addresses)
void tx_sem_wait(volatile uint32_t* addr, uint32_t val, int at_least);
void tx_sem_set(volatile uint32_t* addr, uint32_t val);
void tx_sem_inc(uint64_t noc_addr, uint32_t incr, uint8_t noc);
void tx_sem_inc_multicast(uint64_t mcast_addr, uint32_t incr, uint32_t num_dests, uint8_t noc);
void tx_sem_set_multicast(uint32_t src_l1, uint64_t mcast_addr, uint32_t num_dests, int loopback, uint8_t noc);
void tx_sem_set_remote(uint32_t src_l1, uint64_t noc_addr, uint8_t noc);

// misc
void tx_delay(uint32_t cycles);               // charge cycles to the running RISC-V (riscv_wait)
uint64_t tx_cycle(void);                      // the running RISC-V's simulated cycle
void tx_print(const char* s, size_t n);       // DPRINT / DEVICE_PRINT text, captured per RISC-V
__attribute__((noreturn)) void tx_fail(const char* fmt, ...);   // kernel-API misuse: abort the run

#ifdef __cplusplus
}
#endif
