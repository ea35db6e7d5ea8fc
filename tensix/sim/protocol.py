"""The contract between the host (tensix/sim/chip.py) and the device process (tensix/sim/runtime), defined
once: message codes, the chip description, fault codes, the simulator's L1 memory map, profile and trace
rows, data formats, RISC-V names. `header()` renders it as the C++ header `tx_protocol.h` that the
runtime and the kernel headers include; it is generated when the runtime is built, and the runtime checks
`VERSION` against the host's in the first message.

Messages are little-endian 32-bit words: [command, nwords, payload...]; replies [kind, nwords, payload...].
"""
from __future__ import annotations

import enum
import functools
import struct

from ..formats import DataFormat, element_size, is_block_float, is_integer, tile_size

VERSION = 6          # bump on any change below


class Command(enum.IntEnum):
    CONFIG = 1       # [VERSION, Params..., cores, DRAM controllers, banks] -> OK [L1 pool address u64]
    LOAD = 2         # [kernel id, processor, noc, name, path] -> OK
    RUN = 3          # [flags, CBs, semaphores, kernels with args] -> OK [cycles u64, prints, profile]
    QUIT = 4
    ECHO = 5         # [words...] -> OK [the same words]: a round trip that touches nothing


class ReplyKind(enum.IntEnum):
    OK = 0
    ERROR = 1        # [fault u32, message, library, code offset u64, prints]
    CRASH = 2        # a signal inside a kernel or the runtime: same payload, the process then exits


class Fault(enum.IntEnum):
    """Why a request failed: the host maps each to its exception type (chip.py), never by its text."""
    NONE = 0
    KERNEL = 1       # a kernel broke a rule of the API or the chip (DeviceError)
    DEADLOCK = 2     # every RISC-V still running waits on something nothing will provide (DeviceHang)
    NO_PROGRESS = 3  # the host's watchdog stopped the run (DeviceHang)
    LOAD = 4         # a kernel library could not be loaded (DeviceError)
    HOST = 5         # the host sent a message the runtime cannot accept (DeviceError)
    VERSION = 6      # host and runtime were built from different protocol versions (DeviceError)
    SIGNAL = 7       # segfault, abort, ... (DeviceError, with the kernel line)


RUN_TRACE, RUN_TIMING_ONLY = 1, 2            # RUN flags
RUN_CHECK = 4                 # the clock's conservation check (Device(check=True), TENSIX_CHECK=1)
RUN_CHECK_FAULT = 8           # the check's own test: count every booking twice, so the check must fire

# The simulated chip's memory map. L1_STRIDE: distance between two cores' L1 in the device process (a kernel
# sees its L1 at pool + core index * L1_STRIDE); L1_POOL_ADDR: where the pool is mapped (below 4 GiB, as kernels
# keep L1 addresses in uint32_t). Inside each core's L1 the reserved area (below arch.l1_unreserved_base)
# holds the runtime args of each RISC-V, its common runtime args, and the semaphores, 16 B apart
# (tensix choice: tt-metal's firmware keeps these in its own mailbox layout).
# L1 is at most 1.5 MiB: the rest of each 4 MiB stride (and one stride below the pool) is PROT_NONE in the device
# process, so a raw pointer past the end of a core's L1, or 2 MiB "into the next core", faults as on silicon.
L1_STRIDE = 4 << 20
L1_POOL_ADDR = 0x40000000
RTA_OFFSET = 0x1000
RTA_STRIDE = 0x600           # 341 args + room, per RISC-V
CRTA_OFFSET = 0x3000
SEM_OFFSET = 0x5000
SEM_STRIDE = 16
# The status page (shared memory, 4 KiB of u64 words): the progress counter the watchdog reads; who runs now,
# (kernel id + 1) << 32 | core << 8 | RISC-V, so a death without a report still names its kernel; the cycle
# limit of a run (0: none); from byte STATUS_TEXT on, the device's last words (a NUL-terminated text it leaves
# before dying when it cannot reply: a kernel called exit() or closed the pipes)
STATUS_PROGRESS, STATUS_RUNNING, STATUS_MAX_CYCLES = 0, 1, 2
STATUS_TEXT = 1024
ZEROS_OFFSET, ZEROS_SIZE = 0x8000, 512     # MEM_ZEROS_BASE: never written, a NoC source of zeros (tensix choice)
WARNING_MARK = "\x1etensix race warning\x1f"  # a print line that is a race warning (runtime/cb.cpp race_warning)
MAX_CB = 64                  # CB table size in the runtime (an arch has at most this many)
NUM_RISCS = 3                # BRISC, NCRISC, compute (the three TRISCs run as one)
RISCV_NAMES = ("BRISC", "NCRISC", "TRISC")
PROCESSOR_NAMES = ("RISCV_0 (BRISC)", "RISCV_1 (NCRISC)", "compute (TRISC)")
FIDELITY = {"LoFi": 0, "HiFi2": 2, "HiFi3": 3, "HiFi4": 4}   # MathFidelity values (API §4.8)

# Profile: per RISC-V [core, proc, end u64, waits u64 x len(STATS)]; trace event rows of TRACE_WORDS words
STATS = ("wait_cb", "wait_sem", "wait_noc", "wait_dram")
TRACE_WORDS = 7              # [core | proc << 16, name id, start u64, duration u64, arg]

# The chip description (CONFIG), in message order: (name, type, what it is)
PARAMS: tuple[tuple[str, str, str], ...] = (
    ("l1_size", "u32", "bytes of L1 per core"),
    ("l1_align", "u32", "L1 alignment"),
    ("num_cbs", "u32", "circular buffers per core"),
    ("max_args", "u32", "runtime args per RISC-V"),
    ("num_semaphores", "u32", "semaphores per core"),
    ("read_align_l1", "u32", "NoC read alignment, L1 endpoint"),
    ("read_align_dram", "u32", "NoC read alignment, DRAM endpoint"),
    ("write_align_l1", "u32", "NoC write alignment, L1 endpoint"),
    ("write_align_dram", "u32", "NoC write alignment, DRAM endpoint"),
    ("noc_grid_x", "u32", "NoC tiles in x"),
    ("noc_grid_y", "u32", "NoC tiles in y"),
    ("noc_bytes_per_cycle", "u32", "link width"),
    ("noc_max_packet", "u32", "largest NoC packet"),
    ("noc_hop_cycles", "u32", "router hop latency"),
    ("noc_niu_cycles", "u32", "NIU latency"),
    ("dram_latency", "u32", "DRAM access latency, cycles"),
    ("num_ctrl", "u32", "DRAM controllers"),
    ("num_banks", "u32", "DRAM banks"),
    ("num_l1_banks", "u32", "L1 banks (worker cores)"),
    ("dram_bytes_per_cycle", "f64", "achieved bytes per cycle per DRAM channel"),
    ("ctrl_size", "u64", "bytes behind one DRAM controller"),
    ("cost_cb", "u32", "cycles of a cb_* call"),
    ("cost_noc_issue", "u32", "cycles to issue a NoC command"),
    ("cost_sem", "u32", "cycles of a semaphore call"),
    ("cost_barrier", "u32", "cycles of a barrier's tail"),
    ("noc_cmd_cycles", "u32", "NIU setup per transfer"),
    ("noc_packet_cycles", "u32", "gap per packet besides its header flit"),
    ("noc_max_outstanding", "u32", "reads in flight per RISC-V and NoC"),
    ("l1_latency", "u32", "L1 read latency seen by a NoC read"),
    ("noc_vc_buffer", "u32", "router buffer bytes a static VC may hold per hop (back-pressure)"),
)
_CTYPE = {"u32": "uint32_t", "u64": "uint64_t", "f64": "double"}


def params_words(values: dict) -> list[int]:
    """The PARAMS part of a CONFIG message from {name: value}; every field must be given."""
    missing = [n for n, _, _ in PARAMS if n not in values]
    extra = sorted(set(values) - {n for n, _, _ in PARAMS})
    if missing or extra:
        raise ValueError(f"chip description: missing {missing}, unknown {extra}")
    words: list[int] = []
    for name, kind, _ in PARAMS:
        v = values[name]
        if kind == "u32":
            if not 0 <= int(v) < 1 << 32:
                raise ValueError(f"chip description: {name} = {v} does not fit in 32 bits")
            words.append(int(v))
        elif kind == "u64":
            words += [int(v) & 0xFFFFFFFF, int(v) >> 32]
        else:
            lo, hi = struct.unpack("<II", struct.pack("<d", float(v)))
            words += [lo, hi]
    return words


def _c_string(text: str) -> str:
    """A C string literal of `text` (control characters as their own \\x.. pieces)."""
    import re
    return " ".join(f'"\\x{ord(p):02x}"' if len(p) == 1 and ord(p) < 32 else f'"{p}"'
                    for p in re.findall(r"[\x00-\x1f]|[^\x00-\x1f]+", text))


@functools.cache
def header() -> str:
    """tx_protocol.h: everything above, for the runtime and the kernel headers."""
    def enum_lines(name: str, e: type[enum.IntEnum], ctype: str = "uint32_t") -> str:
        body = ", ".join(f"{m.name} = {int(m)}" for m in e)
        return f"enum class {name} : {ctype} {{ {body} }};\n"

    fmts = [f for f in DataFormat if f != DataFormat.Invalid]
    size = 256
    elem_bits, tile_bytes, kinds = [0] * size, [0] * size, [0] * size
    for f in fmts:
        try:
            tile_bytes[int(f)] = tile_size(f)
        except ValueError:          # a format with no tile layout: unknown to the runtime
            continue
        elem_bits[int(f)] = 0 if is_block_float(f) else element_size(f) * 8
        kinds[int(f)] = 2 if is_integer(f) else 3 if is_block_float(f) else 1

    def table(name: str, ctype: str, vals: list[int]) -> str:
        return f"inline constexpr {ctype} {name}[{len(vals)}] = {{{', '.join(map(str, vals))}}};\n"

    fields = "\n".join(f"    {_CTYPE[k]} {n};  // {what}" for n, k, what in PARAMS)
    reads = "\n".join(f"    p.{n} = m.{k}();" for n, k, _ in PARAMS)
    names = "\n".join(f'        case {int(f)}: return "{f.name}";' for f in fmts)
    return f"""// GENERATED from tensix/sim/protocol.py by tensix/sim/compiler.py: do not edit.
#pragma once
#include <stdint.h>
#ifdef __cplusplus
namespace tx_protocol {{
inline constexpr uint32_t VERSION = {VERSION};
{enum_lines("Command", Command)}{enum_lines("ReplyKind", ReplyKind)}{enum_lines("Fault", Fault)}
inline constexpr uint32_t RUN_TRACE = {RUN_TRACE}, RUN_TIMING_ONLY = {RUN_TIMING_ONLY};
inline constexpr uint32_t RUN_CHECK = {RUN_CHECK}, RUN_CHECK_FAULT = {RUN_CHECK_FAULT};
inline constexpr uint32_t L1_STRIDE = {L1_STRIDE};
inline constexpr uint64_t L1_POOL_ADDR = {L1_POOL_ADDR:#x}ull;
inline constexpr uint32_t RTA_OFFSET = {RTA_OFFSET:#x}, RTA_STRIDE = {RTA_STRIDE:#x}, CRTA_OFFSET = {CRTA_OFFSET:#x};
inline constexpr uint32_t SEM_OFFSET = {SEM_OFFSET:#x}, SEM_STRIDE = {SEM_STRIDE};
inline constexpr uint32_t STATUS_PROGRESS = {STATUS_PROGRESS}, STATUS_RUNNING = {STATUS_RUNNING}, STATUS_MAX_CYCLES = {STATUS_MAX_CYCLES};
inline constexpr uint32_t STATUS_TEXT = {STATUS_TEXT};
inline constexpr uint32_t ZEROS_OFFSET = {ZEROS_OFFSET:#x}, ZEROS_SIZE = {ZEROS_SIZE};
inline constexpr const char* WARNING_MARK = {_c_string(WARNING_MARK)};
inline constexpr int MAX_CB = {MAX_CB}, NUM_RISCS = {NUM_RISCS}, NUM_STATS = {len(STATS)}, TRACE_WORDS = {TRACE_WORDS};

struct Params {{
{fields}
}};
template <class Reader> void read_params(Reader& m, Params& p) {{
{reads}
}}

// data formats (tensix/formats.py): their numbers; element bits, tile bytes, kind (1 float, 2 integer, 3 block float)
enum Format : uint32_t {{ {", ".join(f"{f.name} = {int(f)}" for f in DataFormat)} }};
{table("FORMAT_ELEM_BITS", "uint8_t", elem_bits)}{table("FORMAT_TILE_BYTES", "uint16_t", tile_bytes)}{table("FORMAT_KIND", "uint8_t", kinds)}inline constexpr bool format_known(uint32_t f) {{ return f < 256 && FORMAT_KIND[f] != 0; }}
inline constexpr bool format_is_int(uint32_t f) {{ return f < 256 && FORMAT_KIND[f] == 2; }}
inline constexpr uint32_t format_elem_bytes(uint32_t f) {{ return f < 256 ? (FORMAT_ELEM_BITS[f] + 7) / 8 : 0; }}
inline const char* format_name(uint32_t f) {{
    switch (f) {{
{names}
        default: return "unsupported";
    }}
}}
}}  // namespace tx_protocol
#endif
#define TX_SEM_STRIDE {SEM_STRIDE}
#define TX_PROTOCOL_VERSION {VERSION}
"""
