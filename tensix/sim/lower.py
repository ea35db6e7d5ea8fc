"""The simulator's lowering of a ProgramPlan: CB placement in L1, the generated build wrapper and compiler
flags of each kernel, and the RUN message (protocol.py)."""
from __future__ import annotations

import hashlib
import os
import re
import threading
from pathlib import Path

from ..arch import Arch
from ..buffer import round_up
from ..errors import AllocationError
from ..formats import DataFormat, tile_size
from ..plan import KernelPlan, ProgramPlan
from . import compiler, protocol
from .chip import Msg

FIDELITY = protocol.FIDELITY
ARCH_DEFINE = {"wormhole": "ARCH_WORMHOLE", "blackhole": "ARCH_BLACKHOLE", "grayskull": "ARCH_GRAYSKULL"}


def cb_layout(plan: ProgramPlan, arch: Arch) -> tuple[list[int], dict[tuple[int, int], dict[int, DataFormat]], int, list]:
    """Place the plan's CBs in L1: the RUN-message words, each core's {CB index: format}, the top of the
    CB region and the placed regions (for error messages)."""
    align = max(arch.l1_alignment, arch.dram_alignment)
    at = arch.l1_unreserved_base
    words: list[int] = [0]
    formats: dict[tuple[int, int], dict[int, DataFormat]] = {}
    regions = []
    for cb in plan.cbs:
        if cb.buffer_address is not None:
            base = cb.buffer_address
        else:
            base = round_up(at, align)
            at = base + cb.total_size
            regions.append((cb, base))
        for c in cb.cores:
            f = formats.setdefault((c.x, c.y), {})
            for i, fmt in zip(cb.indices, cb.formats):
                f[i] = fmt
        for i, fmt, page in zip(cb.indices, cb.formats, cb.page_sizes):
            words += [i, base, cb.total_size, page, int(fmt), tile_size(fmt), int(cb.buffer_address is not None),
                      len(cb.cores)]
            words += [arch.core_index(c) for c in cb.cores]
            words[0] += 1
    return words, formats, at, regions


def check_cb_space(top: int, regions: list, arch: Arch, l1_lowest: int, has_buffers: bool) -> None:
    """The CB region must end below every L1 buffer (checked at every run: buffers come and go)."""
    limit = min(l1_lowest, arch.l1_size)
    if top <= limit:
        return
    lines = "\n".join(f"  CB {cb.indices}: 0x{base:x}..0x{base + cb.total_size:x} ({cb.total_size} B) on "
                      f"{len(cb.cores)} core(s)" for cb, base in regions)
    bufs = f"L1 buffers occupy 0x{l1_lowest:x}..0x{arch.l1_size:x}" if has_buffers else "no L1 buffers"
    raise AllocationError(
        f"the program's circular buffers need L1 up to 0x{top:x} but only 0x{arch.l1_unreserved_base:x}.."
        f"0x{limit:x} is free ({limit - arch.l1_unreserved_base} B; L1 is {arch.l1_size} B per core, {bufs}):\n"
        f"{lines}\nuse fewer or smaller CB pages, or free L1 buffers")


def sem_words(plan: ProgramPlan, arch: Arch) -> list[int]:
    words = [len(plan.semaphores)]
    for s in plan.semaphores:
        words += [s.id, s.initial, len(s.cores)]
        words += [arch.core_index(c) for c in s.cores]
    return words


def kernel_formats(k: KernelPlan, formats: dict[tuple[int, int], dict[int, DataFormat]]) -> dict[int, DataFormat]:
    """The CB format table of a kernel: one library serves all its cores, so they must agree."""
    first = formats.get((k.cores[0].x, k.cores[0].y), {})
    for c in k.cores[1:]:
        other = formats.get((c.x, c.y), {})
        if other != first:
            diff = sorted(i for i in set(first) | set(other) if first.get(i) != other.get(i))
            i = diff[0]
            name = lambda f: f.name if f is not None else "no CB"
            raise ValueError(f"kernel {k.name}: CB {i} is {name(first.get(i))} on core ({k.cores[0].x}, "
                             f"{k.cores[0].y}) but {name(other.get(i))} on core ({c.x}, {c.y}); a kernel is compiled "
                             f"once for all its cores, so give its cores the same CB formats or split the kernel")
    return first


def wrapper(k: KernelPlan, src: Path, formats: dict[int, DataFormat]) -> str:
    fmts = [255] * 64
    sizes = [0] * 64
    for i, f in formats.items():
        fmts[i], sizes[i] = int(f), tile_size(f)
    head = (f"// tensix build wrapper for kernel {k.name}\n#include <cstdint>\n"
            f"constexpr std::uint8_t tx_cb_formats[64] = {{{', '.join(map(str, fmts))}}};\n"
            f"constexpr std::int32_t tx_cb_tile_sizes[64] = {{{', '.join(map(str, sizes))}}};\n")
    # generated headers the kernel expects before its source (Metal 2.0 bindings: tensix.metal2)
    head += "".join(f"#include \"{h}\"\n" for h in k.preincludes)
    if k.processor != 2:
        # data-movement kernels get the API pre-included, as tt-metal's firmware wrappers do
        return (head + f"#include \"api/dataflow/dataflow_api.h\"\n#include \"{src}\"\n"
                "// called through a pointer so kernel_main stays a function of its own (crash reports name its lines)\n"
                "static void (*const volatile tx_main)() = kernel_main;\n"
                "extern \"C\" __attribute__((visibility(\"default\"))) void tx_kernel_entry() { tx_main(); }\n")
    # compute kernels include their own headers; both `void kernel_main()` and the legacy
    # `namespace NAMESPACE { void MAIN { ... } }` are accepted (API §1.2)
    return (head + "#include \"tensix_abi.h\"\n#include \"tensix_compute_abi.h\"\n#define NAMESPACE tx_compute_ns\n#define MAIN kernel_main_legacy()\n"
            "[[gnu::weak]] void kernel_main();\nnamespace tx_compute_ns { [[gnu::weak]] void kernel_main_legacy(); }\n"
            f"#include \"{src}\"\n"
            "static void (*const volatile tx_main)() = kernel_main;\n"
            "static void (*const volatile tx_main_legacy)() = tx_compute_ns::kernel_main_legacy;\n"
            "extern \"C\" __attribute__((visibility(\"default\"))) void tx_kernel_entry() {\n"
            "    tx_compute_config(TX_MATH_FIDELITY, TX_FP32_DEST_ACC, TX_DST_FULL_SYNC, TX_MATH_APPROX);\n"
            "    if (tx_main) tx_main();\n    else if (tx_main_legacy) tx_main_legacy();\n"
            "    else tx_fail(\"compute kernel defines neither kernel_main() nor namespace NAMESPACE { void MAIN }\");\n}\n")


def source_file(k: KernelPlan) -> Path:
    """The file the wrapper includes: the kernel's own, or its text saved in the cache by content."""
    if k.path is not None:
        return k.path
    # the kernel's name names the file (compiler messages and crash lines show it), unless it is not a
    # plain file name: a name never becomes a path outside the cache
    name = k.name if re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.+-]{0,99}", k.name or "") and ".." not in k.name else "kernel.cpp"
    return compiler.source_file(name, k.source)


def flags(k: KernelPlan, a: Arch, src: Path) -> list[str]:
    if k.processor == 2:
        cc = k.compute
        role = ["COMPILE_FOR_TRISC=1", "TRISC_MATH=1", "TRISC_PACK=1", "TRISC_UNPACK=1", "UCK_CHLKC_MATH",
                "UCK_CHLKC_PACK", "UCK_CHLKC_UNPACK", f"TX_MATH_FIDELITY={FIDELITY[cc.math_fidelity]}",
                f"TX_FP32_DEST_ACC={int(cc.fp32_dest_acc_en)}", f"TX_MATH_APPROX={int(cc.math_approx_mode)}",
                f"TX_DST_FULL_SYNC={int(cc.dst_full_sync_en)}",
                f"DST_SYNC_MODE={'DstSync::SyncFull' if cc.dst_full_sync_en else 'DstSync::SyncHalf'}"]
    else:
        role = ["COMPILE_FOR_BRISC" if k.processor == 0 else "COMPILE_FOR_NCRISC"]
    d = [f"NOC_INDEX={k.noc}", "NOC_MODE=0", f"PROCESSOR_INDEX={k.processor}", "KERNEL_BUILD", "TENSIX_FIRMWARE",
         *role, ARCH_DEFINE[a.family],
         "DEBUG_PRINT_ENABLED", f"TX_NUM_DRAM_BANKS={a.num_dram_banks}",
         f"TX_NUM_L1_BANKS={a.compute_grid[0] * a.compute_grid[1]}", f"TX_DRAM_ALIGNMENT={a.dram_alignment}",
         f"TX_L1_ALIGNMENT={a.l1_alignment}", f"TX_NOC_MAX_BURST_SIZE={a.noc_max_packet}", f"TX_L1_SIZE={a.l1_size}",
         f"TX_NUM_SEMAPHORES={a.num_semaphores}", f"TX_L1_UNRESERVED_BASE={a.l1_unreserved_base}",
         f"TX_NOC_SIZE_X={a.noc_grid[0]}", f"TX_NOC_SIZE_Y={a.noc_grid[1]}",
         f"KERNEL_COMPILE_TIME_ARGS={','.join(str(v) for v in k.compile_args)}"]
    if k.named_compile_args:
        d.append("KERNEL_COMPILE_TIME_ARG_MAP=" + ",".join(f'{{"{n}",{v}}}' for n, v in k.named_compile_args))
    for name, val in k.defines:
        d.append(f"{name}={val}")
    inc = [f"-I{generated_dir(k)}"] if k.generated_headers else []
    for root in k.include_dirs:
        # tt-metal's JIT puts <root>, <root>/ttnn and <root>/ttnn/cpp on the path (API §2.5 "Include
        # directories"); tensix's own headers come first, so a checkout's device headers never shadow them
        inc += [f"-I{root}"] + [f"-I{root / sub}" for sub in ("ttnn", "ttnn/cpp") if (root / sub).is_dir()]
    return compiler.kernel_flags([f"-D{x}" for x in d], src.parent, "compute" if k.processor == 2 else "dm") + inc


def generated_dir(k: KernelPlan) -> Path:
    """The directory holding the headers generated for kernel `k` (Metal 2.0 bindings), by content."""
    digest = hashlib.sha256(repr(k.generated_headers).encode()).hexdigest()[:16]
    d = compiler.cache_dir() / "generated" / "kernel" / digest
    for name, text in k.generated_headers:
        if not re.fullmatch(r"[A-Za-z0-9_.+-]{1,100}", name) or name in (".", ".."):
            raise ValueError(f"kernel {k.name}: generated header name {name!r} is not a plain file name")
        p = d / name
        if not p.exists() or p.read_text() != text:
            d.mkdir(parents=True, exist_ok=True)
            tmp = d / f".{name}.{os.getpid()}.{threading.get_ident()}.tmp"    # unique per writer: no torn file
            tmp.write_text(text)
            tmp.replace(p)
    return d


def run_message(plan: ProgramPlan, arch: Arch, static: list[int], kernel_ids: list[int], l1_base, trace: bool,
                timing_only: bool, check: bool = False, check_fault: bool = False) -> Msg:
    """The RUN message: flags, CBs and semaphores (`static`), then each kernel's args per core. Words that
    hold a per-core L1 buffer's address are relocated to where that core's L1 lives (`l1_base(core)`)."""
    m = Msg().u32((protocol.RUN_TRACE if trace else 0) | (protocol.RUN_TIMING_ONLY if timing_only else 0)
                  | (protocol.RUN_CHECK if check else 0) | (protocol.RUN_CHECK_FAULT if check_fault else 0))
    m.extend(static)
    m.u32(len(plan.kernels))
    for k, kid in zip(plan.kernels, kernel_ids):
        common = list(k.common_args)
        for i in k.common_l1_args:
            common[i] += l1_base(k.cores[0])
        m.u32(kid, len(common), *common, len(k.runtime_args))
        for ca in k.runtime_args:
            m.u32(arch.core_index(ca.core), len(ca.words))
            if ca.l1_args:
                words = list(ca.words)
                for i in ca.l1_args:
                    words[i] += l1_base(ca.core)
                m.u32(*words)
            else:
                m.extend(ca.words)            # uint32 words already (plan._u32)
    return m
