// tensix kernel-API header: watcher asserts. The simulator checks them: a failed ASSERT stops the run
// with the condition, file and line.
#pragma once
#include "tensix_abi.h"
#define TX_ASSERT_1(c) do { if (!(c)) tx_fail("ASSERT(%s) failed at %s:%d", #c, __FILE__, __LINE__); } while (0)
#define TX_ASSERT_2(c, reason) TX_ASSERT_1(c)
#define TX_ASSERT_PICK(_1, _2, NAME, ...) NAME
#define ASSERT(...) TX_ASSERT_PICK(__VA_ARGS__, TX_ASSERT_2, TX_ASSERT_1, )(__VA_ARGS__)
