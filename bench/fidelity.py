"""The clock keeps the physics: achieved / physical rate of every resource over long streams, many-to-one,
one-to-many and multicast runs (tensix/sim/fidelity.py).

Run: python bench/fidelity.py [--quick] [--all] [--json]      (exits 1 if any fraction exceeds 1.00)
"""
import sys

from tensix.sim.fidelity import main

if __name__ == "__main__":
    sys.exit(main())
