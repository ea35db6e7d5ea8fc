// tensix: api/tensor/transfer_noc_addr.h is named by API-current §5 without its contents (TensorAccessor::pages() and
// strided_pages() are in api/tensor/tensor_accessor.h)
#pragma once
#error "api/tensor/transfer_noc_addr.h is not provided by tensix yet"
