"""Turning a Program into a run on a device: validation, L1 layout, kernel builds, the run message."""
from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..buffer import Buffer, round_up
from ..core import CoreCoord
from ..errors import AllocationError
from ..formats import DataFormat, tile_size
from ..program import Kernel, Program
from . import compiler
from .chip import SEM_OFFSET, Msg

if TYPE_CHECKING:
    from ..device import Device

PROCESSOR_NAMES = ("RISCV_0 (BRISC)", "RISCV_1 (NCRISC)", "compute (TRISC)")
FIDELITY = {"LoFi": 0, "HiFi2": 2, "HiFi3": 3, "HiFi4": 4}
ARCH_DEFINE = {"wormhole": "ARCH_WORMHOLE", "blackhole": "ARCH_BLACKHOLE", "grayskull": "ARCH_GRAYSKULL"}


@dataclass
class Built:
    generation: int
    kernel_ids: list[int]
    static: list[int]             # CB and semaphore part of the run message


def _cb_layout(program: Program, device: "Device") -> tuple[list[int], dict[tuple[int, int], dict[int, DataFormat]]]:
    """Place the program's CBs in L1; returns the run-message words and each core's {CB index: format}."""
    arch = device.arch
    align = max(arch.l1_alignment, arch.dram_alignment)
    at = arch.l1_unreserved_base
    words: list[int] = [0]
    formats: dict[tuple[int, int], dict[int, DataFormat]] = {}
    regions = []
    for cb in program.cbs:
        cores = program.cb_cores(cb)
        if cb.page_size <= 0 or cb.num_pages <= 0:
            raise ValueError(f"CircularBuffer {cb.indices}: page_size ({cb.page_size}) and num_pages "
                             f"({cb.num_pages}) must be positive")
        for i in cb.indices:
            if not 0 <= i < arch.num_circular_buffers:
                raise ValueError(f"CB index {i} is out of range: {arch.board} has {arch.num_circular_buffers} "
                                 f"circular buffers per core (0..{arch.num_circular_buffers - 1})")
        if cb.buffer is not None:
            b = cb.buffer
            if b.is_dram:
                raise ValueError(f"CircularBuffer {cb.indices}: a globally allocated CB must sit on an L1 buffer, "
                                 f"not {b!r}")
            if cb.total_size > b.bytes_per_bank:
                raise AllocationError(f"CircularBuffer {cb.indices}: {cb.total_size} B do not fit on {b!r} "
                                      f"({b.bytes_per_bank} B per core)")
            base = b.address
        else:
            base = round_up(at, align)
            at = base + cb.total_size
            regions.append((cb, cores, base))
        for c in cores:
            arch.check_logical(c.x, c.y)
            for i in cb.indices:
                if i in formats.setdefault((c.x, c.y), {}):
                    raise ValueError(f"CB index {i} is configured twice on core ({c.x}, {c.y}); "
                                     f"each index may appear in one CircularBuffer per core")
                formats[(c.x, c.y)][i] = cb.format_of(i)
        for i in cb.indices:
            fmt = cb.format_of(i)
            words += [i, base, cb.total_size, cb.page_size, int(fmt), tile_size(fmt), int(cb.buffer is not None), len(cores)]
            words += [device._core_index(c) for c in cores]
            words[0] += 1
    limit = min(device._l1.lowest(), arch.l1_size)
    if at > limit:
        lines = "\n".join(f"  CB {cb.indices}: 0x{base:x}..0x{base + cb.total_size:x} ({cb.total_size} B) on {cores}"
                          for cb, cores, base in regions)
        bufs = f"L1 buffers occupy 0x{device._l1.lowest():x}..0x{arch.l1_size:x}" if device._l1.blocks else "no L1 buffers"
        raise AllocationError(
            f"the program's circular buffers need L1 up to 0x{at:x} but only 0x{arch.l1_unreserved_base:x}.."
            f"0x{limit:x} is free on {program.cores} ({limit - arch.l1_unreserved_base} B; L1 is "
            f"{arch.l1_size} B per core, {bufs}):\n{lines}\nuse fewer or smaller CB pages, or free L1 buffers")
    return words, formats


def _sem_words(program: Program, device: "Device") -> list[int]:
    n = device.arch.num_semaphores
    if len(program.semaphores) > n:
        raise ValueError(f"the program has {len(program.semaphores)} semaphores; a core has {n}")
    words = [len(program.semaphores)]
    for i, s in enumerate(program.semaphores):
        cores = program.sem_cores(s)
        words += [SEM_OFFSET + i * device.arch.l1_alignment, int(s.initial) & 0xFFFFFFFF, len(cores)]
        words += [device._core_index(c) for c in cores]
    return words


def _wrapper(k: Kernel, src: Path, formats: dict[int, DataFormat]) -> str:
    fmts = [255] * 64
    sizes = [0] * 64
    for i, f in formats.items():
        fmts[i], sizes[i] = int(f), tile_size(f)
    head = (f"// tensix build wrapper for kernel {k.name}\n#include <cstdint>\n"
            f"constexpr std::uint8_t tx_cb_formats[64] = {{{', '.join(map(str, fmts))}}};\n"
            f"constexpr std::int32_t tx_cb_tile_sizes[64] = {{{', '.join(map(str, sizes))}}};\n")
    if k.processor != 2:
        # data-movement kernels get the API pre-included, as tt-metal's firmware wrappers do
        return (head + f"#include \"api/dataflow/dataflow_api.h\"\n#include \"{src}\"\n"
                "// called through a pointer so kernel_main stays a function of its own (crash reports name its lines)\n"
                "static void (*const volatile tx_main)() = kernel_main;\n"
                "extern \"C\" __attribute__((visibility(\"default\"))) void tx_kernel_entry() { tx_main(); }\n")
    # compute kernels include their own headers; both `void kernel_main()` and the legacy
    # `namespace NAMESPACE { void MAIN { ... } }` are accepted (API §1.2)
    return (head + "#include \"tensix_compute_abi.h\"\n#define NAMESPACE tx_compute_ns\n#define MAIN kernel_main_legacy()\n"
            "[[gnu::weak]] void kernel_main();\nnamespace tx_compute_ns { [[gnu::weak]] void kernel_main_legacy(); }\n"
            f"#include \"{src}\"\n"
            "static void (*const volatile tx_main)() = kernel_main;\n"
            "static void (*const volatile tx_main_legacy)() = tx_compute_ns::kernel_main_legacy;\n"
            "extern \"C\" __attribute__((visibility(\"default\"))) void tx_kernel_entry() {\n"
            f"    tx_compute_config({FIDELITY[k.math_fidelity]}, {int(k.fp32_dest_acc_en)}, {int(k.dst_full_sync_en)}, "
            f"{int(k.math_approx_mode)});\n"
            "    if (tx_main) tx_main();\n    else if (tx_main_legacy) tx_main_legacy();\n"
            "    else tx_fail(\"compute kernel defines neither kernel_main() nor namespace NAMESPACE { void MAIN }\");\n}\n")


def _source_file(k: Kernel) -> Path:
    if k.path is not None:
        return k.path
    d = compiler.cache_dir() / "src" / hashlib.sha256(k.text.encode()).hexdigest()[:16]
    d.mkdir(parents=True, exist_ok=True)
    p = d / k.name
    if not p.exists() or p.read_text() != k.text:
        tmp = p.with_suffix(".tmp")
        tmp.write_text(k.text)
        tmp.replace(p)
    return p


def _flags(k: Kernel, device: "Device", src: Path) -> list[str]:
    a = device.arch
    if k.processor == 2:
        role = ["COMPILE_FOR_TRISC=1", "TRISC_MATH=1", "TRISC_PACK=1", "TRISC_UNPACK=1", "UCK_CHLKC_MATH",
                "UCK_CHLKC_PACK", "UCK_CHLKC_UNPACK", f"TX_MATH_FIDELITY={FIDELITY[k.math_fidelity]}",
                f"TX_FP32_DEST_ACC={int(k.fp32_dest_acc_en)}", f"TX_MATH_APPROX={int(k.math_approx_mode)}",
                f"TX_DST_FULL_SYNC={int(k.dst_full_sync_en)}",
                f"DST_SYNC_MODE={'DstSync::SyncFull' if k.dst_full_sync_en else 'DstSync::SyncHalf'}"]
    else:
        role = ["COMPILE_FOR_BRISC" if k.processor == 0 else "COMPILE_FOR_NCRISC"]
    d = [f"NOC_INDEX={k.noc}", "NOC_MODE=0", f"PROCESSOR_INDEX={k.processor}", "KERNEL_BUILD", "TENSIX_FIRMWARE",
         *role, ARCH_DEFINE[a.family],
         "DEBUG_PRINT_ENABLED", f"TX_NUM_DRAM_BANKS={a.num_dram_banks}",
         f"TX_NUM_L1_BANKS={a.compute_grid[0] * a.compute_grid[1]}", f"TX_DRAM_ALIGNMENT={a.dram_alignment}",
         f"TX_L1_ALIGNMENT={a.l1_alignment}", f"TX_NOC_MAX_BURST_SIZE={a.noc_max_packet}", f"TX_L1_SIZE={a.l1_size}",
         f"TX_NUM_SEMAPHORES={a.num_semaphores}",
         f"KERNEL_COMPILE_TIME_ARGS={','.join(str(int(v) & 0xFFFFFFFF) for v in k.compile_args)}"]
    if k.named_compile_args:
        d.append("KERNEL_COMPILE_TIME_ARG_MAP=" + ",".join(f'{{"{n}",{int(v)}}}' for n, v in k.named_compile_args.items()))
    for name, val in k.defines.items():
        d.append(f"{name}={val}")
    return compiler.kernel_flags([f"-D{x}" for x in d], src.parent)


def build(program: Program, device: "Device") -> Built:
    chip = device._chip
    cb_words, formats = _cb_layout(program, device)
    sem_words = _sem_words(program, device)
    taken: dict[tuple[int, int, int], str] = {}
    jobs = []
    for k in program.kernels:
        cores = program.kernel_cores(k)
        for c in cores:
            device.arch.check_logical(c.x, c.y)
            key = (c.x, c.y, k.processor)
            if key in taken:
                raise ValueError(f"kernels {taken[key]} and {k.name} both run on {PROCESSOR_NAMES[k.processor]} "
                                 f"of core ({c.x}, {c.y}); a RISC-V runs one kernel per program")
            taken[key] = k.name
        # the CB tables a kernel sees are those of its first core (tt-metal generates them per kernel)
        first = cores.cores()[0]
        src = _source_file(k)
        jobs.append((k, src, _wrapper(k, src, formats.get((first.x, first.y), {}))))
    with ThreadPoolExecutor(max_workers=4) as ex:
        futures = [ex.submit(compiler.build_kernel, k.name, src, w, _flags(k, device, src)) for k, src, w in jobs]
        libs = [f.result() for f in futures]
    ids = [chip.load(so, k.processor, k.noc, k.name) for (k, _, _), so in zip(jobs, libs)]
    built = Built(chip.generation, ids, cb_words + sem_words)
    built.libs = libs
    return built


def _arg(v, core: CoreCoord, k: Kernel, i: int) -> int:
    if isinstance(v, Buffer):
        return v.kernel_address(core)
    if isinstance(v, (bool, np.bool_)):
        return int(v)
    if isinstance(v, (int, np.integer)):
        v = int(v)
        if not -(1 << 31) <= v < (1 << 32):
            raise ValueError(f"kernel {k.name} on core ({core.x}, {core.y}): runtime arg {i} = {v} does not fit "
                             f"in 32 bits")
        return v & 0xFFFFFFFF
    raise TypeError(f"kernel {k.name} on core ({core.x}, {core.y}): runtime arg {i} is a {type(v).__name__}; "
                    f"runtime args are uint32 words (ints or Buffers); for a float pass its bits, e.g. "
                    f"int(np.float32(x).view(np.uint32))")


def _core_args(k: Kernel, cores: list[CoreCoord]) -> list[list]:
    ra = k.runtime_args
    n = len(cores)
    if ra is None:
        return [[] for _ in cores]
    if callable(ra):
        return [list(ra(i, (c.x, c.y), n)) for i, c in enumerate(cores)]
    if isinstance(ra, dict):
        keyed = {CoreCoord(*key): v for key, v in ra.items()}
        unknown = [key for key in keyed if key not in set(cores)]
        if unknown:
            raise ValueError(f"kernel {k.name}: runtime args given for core(s) {unknown} where the kernel does not run")
        return [list(keyed.get(c, [])) for c in cores]
    return [list(ra) for _ in cores]


def run_message(program: Program, device: "Device", built: Built, trace: bool = False,
                timing_only: bool = False) -> Msg:
    m = Msg().u(int(trace) | (int(timing_only) << 1)).extend(built.static)
    m.u(len(program.kernels))
    limit = device.arch.max_runtime_args
    for k, kid in zip(program.kernels, built.kernel_ids):
        cores = program.kernel_cores(k).cores()
        common = [_arg(v, cores[0], k, i) for i, v in enumerate(k.common_runtime_args)]
        m.u(kid, len(common), *common, len(cores))
        for c, args in zip(cores, _core_args(k, cores)):
            if len(args) + len(common) > limit:
                raise ValueError(f"kernel {k.name} on core ({c.x}, {c.y}) has {len(args)} runtime args + "
                                 f"{len(common)} common args = {len(args) + len(common)}; the limit is {limit} "
                                 f"per core; pass the rest through a buffer")
            m.u(device._core_index(c), len(args), *[_arg(v, c, k, i) for i, v in enumerate(args)])
    return m
