"""Calibration of the simulated chip's clock: model vs published for every point of the hardware reference's §11 (tensix/sim/calibration.py).

Run: python bench/calibrate.py         (exits 1 if any point is off by more than 10 %)
"""
import sys

from tensix.sim.calibration import main

if __name__ == "__main__":
    sys.exit(main())
