// multi-core matmul, reader (RISCV_1): this core computes output tiles start .. start+num-1 (row-major
// ids over the Mt x Nt output); for each, stream A[m, k] -> CB 0 and B[k, n] -> CB 1 for k = 0..Kt-1.
// Compile-time args: TensorAccessorArgs of A, then of B.
// Runtime args: A address, B address, Kt, Nt, first output tile id, number of output tiles.
constexpr uint32_t cb_in0 = tt::CBIndex::c_0;
constexpr uint32_t cb_in1 = tt::CBIndex::c_1;

void kernel_main() {
    uint32_t a_addr = get_arg_val<uint32_t>(0);
    uint32_t b_addr = get_arg_val<uint32_t>(1);
    uint32_t Kt = get_arg_val<uint32_t>(2);
    uint32_t Nt = get_arg_val<uint32_t>(3);
    uint32_t start = get_arg_val<uint32_t>(4);
    uint32_t num = get_arg_val<uint32_t>(5);

    constexpr auto a_args = TensorAccessorArgs<0>();
    constexpr auto b_args = TensorAccessorArgs<a_args.next_compile_time_args_offset()>();
    const auto a = TensorAccessor(a_args, a_addr, get_tile_size(cb_in0));
    const auto b = TensorAccessor(b_args, b_addr, get_tile_size(cb_in1));

    for (uint32_t t = start; t < start + num; t++) {
        uint32_t m = t / Nt, n = t % Nt;
        for (uint32_t k = 0; k < Kt; k++) {
            cb_reserve_back(cb_in0, 1);
            cb_reserve_back(cb_in1, 1);
            noc_async_read_tile(m * Kt + k, a, get_write_ptr(cb_in0));
            noc_async_read_tile(k * Nt + n, b, get_write_ptr(cb_in1));
            noc_async_read_barrier();
            cb_push_back(cb_in0, 1);
            cb_push_back(cb_in1, 1);
        }
    }
}
