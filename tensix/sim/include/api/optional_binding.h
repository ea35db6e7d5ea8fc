// tensix: api/optional_binding.h (try_get_tensor_binding<"name">()) is named by API-current §5, but the
// generated lookup it relies on is not documented (its shape is unknown), so tensix does not guess it.
#pragma once
#error "api/optional_binding.h (try_get_tensor_binding) is not provided by tensix yet"
