// tensix simulated chip: what compute.cpp and pack.cpp share about the running core's compute engine.
#pragma once
#include "sim.h"

namespace sim::cmp {

inline Risc& me() { return *running; }
inline Core& core() { return *running->core; }
inline Compute& comp() { return running->core->compute; }

CB& compute_cb(uint32_t id, const char* call);                        // configured CB `id`, checked
void check_format(int unit, uint32_t id, const CB& cb, const char* call);   // the unit is set for the CB's format
void read_tile(int unit, uint32_t id, uint32_t t, uint32_t* out, bool fpu, const char* call);   // unpack tile t
uint32_t tile_bytes(uint32_t cb);
// the three stages of the TRISC pipeline on the clock (unpack -> math -> pack)
void unpack_stage(double bytes_a, double bytes_b);
void math_stage(uint64_t cycles, uint64_t flops, bool uses_src = true);
void pack_stage(double bytes);
void c_pack_after_math(double bytes);   // tilize/untilize: the packer follows the math op directly

}  // namespace sim::cmp
