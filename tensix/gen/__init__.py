"""tensix.gen: tensor ops the framework writes the kernels for, tuned by search on the modelled clock.

    from tensix import Device, gen
    with Device("n150") as dev:
        a, b = gen.from_numpy(dev, A), gen.from_numpy(dev, B)     # bf16 tiles in DRAM, padded to 32
        c = gen.matmul(a, b)                                      # the default config
        c = gen.matmul(a, b, beam=4)                              # searched (or TENSIX_BEAM=4), cached on disk
        y = gen.fuse(lambda x, w: (x * w + 1).exp(), a, b)        # one fused element-wise program
        print(c.run)                                              # config and modelled time
        print(c.run.sources["compute"])                           # the generated C++ (TENSIX_DEBUG=2 prints all)
        C = c.numpy()

Every op lowers to an ordinary tensix Program (reader, compute and writer kernels joined by CBs, split
over cores), built on the public host API only. Entry points other packages may rely on:
  Tensor, from_numpy(dev, array, dtype, layout, memory), empty(dev, shape, dtype, ...), Tensor.numpy()
  matmul(a, b, bias=None, activation=None, *, fidelity, fp32_acc, config=None, beam=None)
  reduce(x, "sum" | "mean" | "max" | "min", axis=-1 | -2 | None), transpose(x)
  fuse(fn, *tensors_or_numbers), the unary helpers (exp, relu, ...), typecast(x, dtype)
  Tensor operators: a + b, a - b, a * b, a / b, -a (with numbers where the op takes them), a @ b
  softmax(x), layernorm(x, gamma, beta), to_layout(x, "tiled" | "row_major")
Each returns a new Tensor whose `.run` (RunInfo) holds the config, the modelled DeviceTime, the
search report, the error bound and the generated sources.
"""
from .compose import layernorm, softmax
from . import tensor as _tensor
from .eltwise import (Eltwise, add, div, exp, fuse, gelu, log, mul, neg, recip, relu, rsqrt, sigmoid, silu, sqrt, sub,
                      tanh, typecast)
from .expr import where
from .layout import Layout, to_layout
from .matmul import Matmul, matmul
from .op import Op, RunInfo, cache_path, search
from .reduce import Reduce, Transpose, reduce, transpose
from .tensor import DTYPES, Tensor, empty, from_numpy, tolerance

# a + b, a - b, a * b, a / b, -a (numbers too, on either side) and a @ b on Tensors
_tensor.OPERATORS.update(add=add, sub=sub, mul=mul, div=div, neg=neg, matmul=matmul)

__all__ = ["Tensor", "from_numpy", "empty", "DTYPES", "tolerance", "fuse", "where", "add", "sub", "mul", "div", "neg", "exp",
           "log", "sqrt", "rsqrt", "recip", "relu", "gelu", "sigmoid", "silu", "tanh", "typecast", "matmul",
           "reduce", "transpose", "softmax", "layernorm", "to_layout", "Op", "Eltwise", "Matmul", "Reduce",
           "Transpose", "Layout", "RunInfo", "search", "cache_path"]
