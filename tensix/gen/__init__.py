"""tensix.gen: tensor ops the framework writes the kernels for, tuned by search on the modelled clock.

    from tensix import Device
    from tensix import gen
    with Device("n150") as dev:
        a, b = gen.from_numpy(dev, A), gen.from_numpy(dev, B)
        c = gen.matmul(a, b)                       # default config
        c = gen.matmul(a, b, beam=4)               # searched (or TENSIX_BEAM=4), cached on disk
        y = gen.fuse(lambda x, w: (x * w + 1).exp(), a, b)    # one fused element-wise program
        print(c.run)                               # config, modelled time; c.run.sources: the C++
        C = c.numpy()

Every op lowers to an ordinary tensix Program (reader, compute, writer kernels joined by CBs) built
on the public host API only. Stable entry points (used by other packages): from_numpy, empty, Tensor,
matmul(a, b, bias=None, activation=None, config=None, beam=None), reduce(x, op, axis), fuse(fn, *xs).
"""
from .eltwise import (add, exp, fuse, gelu, log, mul, recip, relu, rsqrt, sigmoid, silu, sqrt, sub, tanh,
                      typecast, where)
from .op import RunInfo, cache_path
from .tensor import DTYPES, Tensor, empty, from_numpy, tolerance

__all__ = ["Tensor", "from_numpy", "empty", "DTYPES", "tolerance", "fuse", "where", "add", "sub", "mul",
           "exp", "log", "sqrt", "rsqrt", "recip", "relu", "gelu", "sigmoid", "silu", "tanh", "typecast",
           "RunInfo", "cache_path"]
from .matmul import Matmul, matmul  # noqa: E402
__all__ += ["Matmul", "matmul"]
from .reduce import Reduce, Transpose, reduce, transpose  # noqa: E402
from .compose import layernorm, softmax  # noqa: E402
__all__ += ["Reduce", "Transpose", "reduce", "transpose", "softmax", "layernorm"]
from .layout import Layout, to_layout  # noqa: E402
__all__ += ["Layout", "to_layout"]
