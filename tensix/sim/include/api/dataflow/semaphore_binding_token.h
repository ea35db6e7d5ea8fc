// tensix: api/dataflow/semaphore_binding_token.h (API-current §5): `sem::NAME` is the semaphore id
// (get_semaphore(sem::NAME), Semaphore<>(sem::NAME)); nothing else is needed here.
#pragma once
#include "experimental/noc_semaphore.h"
