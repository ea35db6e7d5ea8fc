// tensix: api/tensor/pages_address_iterator.h is named by API-current §5 without its contents (TensorAccessor::pages() and
// strided_pages() are in api/tensor/tensor_accessor.h)
#pragma once
#error "api/tensor/pages_address_iterator.h is not provided by tensix yet"
