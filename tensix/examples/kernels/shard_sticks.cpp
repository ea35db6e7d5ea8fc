// shard_sticks: each core reads its own run of row-major "sticks" (one DRAM page each) into L1,
// prints them and writes them, packed, to its page of the output.
// Compile-time args: TensorAccessorArgs of the input, then of the output; stick size in bytes.
// Runtime args: input address, output address, L1 scratch address, first stick, number of sticks,
// output page.
void kernel_main() {
    uint32_t src_addr = get_arg_val<uint32_t>(0);
    uint32_t dst_addr = get_arg_val<uint32_t>(1);
    uint32_t l1 = get_arg_val<uint32_t>(2);
    uint32_t first = get_arg_val<uint32_t>(3);
    uint32_t count = get_arg_val<uint32_t>(4);
    uint32_t out_page = get_arg_val<uint32_t>(5);

    constexpr auto src_args = TensorAccessorArgs<0>();
    constexpr auto dst_args = TensorAccessorArgs<src_args.next_compile_time_args_offset()>();
    constexpr uint32_t stick_bytes = get_compile_time_arg_val(dst_args.next_compile_time_args_offset());
    const auto src = TensorAccessor(src_args, src_addr);     // pages step by the aligned page size
    const auto dst = TensorAccessor(dst_args, dst_addr);
    const uint32_t slot = src_args.AlignedPageSize;           // keep each stick's L1 slot aligned like DRAM

    for (uint32_t i = 0; i < count; i++)
        noc_async_read(get_noc_addr(first + i, src), l1 + i * slot, stick_bytes);
    noc_async_read_barrier();

    // pack the sticks after the slots, then print them as bf16
    uint32_t packed = l1 + count * slot;
    volatile uint16_t* out = (volatile uint16_t*)packed;
    constexpr uint32_t per_stick = stick_bytes / 2;
    for (uint32_t i = 0; i < count; i++) {
        volatile uint16_t* in = (volatile uint16_t*)(l1 + i * slot);
        for (uint32_t j = 0; j < per_stick; j++) out[i * per_stick + j] = in[j];
    }
    DEVICE_PRINT("core ({}, {}) sticks {}..{}:", get_absolute_logical_x(), get_absolute_logical_y(), first,
                 first + count - 1);
    for (uint32_t k = 0; k < count * per_stick; k++) DEVICE_PRINT(" {}", bf16_t(out[k]));
    DEVICE_PRINT("\n");

    noc_async_write(packed, get_noc_addr(out_page, dst), count * stick_bytes);
    noc_async_write_barrier();
}
