// add_integers: a data-movement kernel that adds two uint32 numbers on the RISC-V itself.
// Runtime args: a, b, c (DRAM buffer addresses, one 4-byte page each), then three L1 scratch words.
void kernel_main() {
    uint32_t a_addr = get_arg_val<uint32_t>(0);
    uint32_t b_addr = get_arg_val<uint32_t>(1);
    uint32_t c_addr = get_arg_val<uint32_t>(2);
    uint32_t a_l1 = get_arg_val<uint32_t>(3);
    uint32_t b_l1 = get_arg_val<uint32_t>(4);
    uint32_t c_l1 = get_arg_val<uint32_t>(5);

    // every buffer is one 4-byte page, so page 0 sits in bank 0
    InterleavedAddrGen<true> a_gen{.bank_base_address = a_addr, .page_size = 4};
    InterleavedAddrGen<true> b_gen{.bank_base_address = b_addr, .page_size = 4};
    InterleavedAddrGen<true> c_gen{.bank_base_address = c_addr, .page_size = 4};

    noc_async_read(get_noc_addr(0, a_gen), a_l1, 4);
    noc_async_read(get_noc_addr(0, b_gen), b_l1, 4);
    noc_async_read_barrier();

    // plain loads and stores on L1 addresses
    volatile uint32_t* a = (volatile uint32_t*)a_l1;
    volatile uint32_t* b = (volatile uint32_t*)b_l1;
    volatile uint32_t* c = (volatile uint32_t*)c_l1;
    *c = *a + *b;
    DPRINT("Adding {} + {} = {}\n", *a, *b, *c);     // today's DPRINT is fmt-style (DPRINT << ... still works)

    noc_async_write(c_l1, get_noc_addr(0, c_gen), 4);
    noc_async_write_barrier();
}
