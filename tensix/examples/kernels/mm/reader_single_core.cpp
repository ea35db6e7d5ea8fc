// single-core matmul, reader (RISCV_1): for every output tile (m, n), in row-major order, stream the
// Kt tile pairs A[m, k] -> CB 0 and B[k, n] -> CB 1 (k = 0..Kt-1), one pair at a time.
// Compile-time args: Mt, Kt, Nt, TensorAccessorArgs of A, then of B. Runtime args: A address, B address.
constexpr uint32_t cb_in0 = tt::CBIndex::c_0;
constexpr uint32_t cb_in1 = tt::CBIndex::c_1;

void kernel_main() {
    constexpr uint32_t Mt = get_compile_time_arg_val(0);
    constexpr uint32_t Kt = get_compile_time_arg_val(1);
    constexpr uint32_t Nt = get_compile_time_arg_val(2);
    constexpr auto a_args = TensorAccessorArgs<3>();
    constexpr auto b_args = TensorAccessorArgs<a_args.next_compile_time_args_offset()>();
    const auto a = TensorAccessor(a_args, get_arg_val<uint32_t>(0), get_tile_size(cb_in0));
    const auto b = TensorAccessor(b_args, get_arg_val<uint32_t>(1), get_tile_size(cb_in1));

    for (uint32_t m = 0; m < Mt; m++) {
        for (uint32_t n = 0; n < Nt; n++) {
            for (uint32_t k = 0; k < Kt; k++) {
                cb_reserve_back(cb_in0, 1);
                cb_reserve_back(cb_in1, 1);
                noc_async_read_tile(m * Kt + k, a, get_write_ptr(cb_in0));   // A is Mt x Kt tiles
                noc_async_read_tile(k * Nt + n, b, get_write_ptr(cb_in1));   // B is Kt x Nt tiles
                noc_async_read_barrier();
                cb_push_back(cb_in0, 1);
                cb_push_back(cb_in1, 1);
            }
        }
    }
}
