"""`pip install .` (a wheel, not editable) into a fresh venv, then `tensix demo` from outside the checkout."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_install_runs_the_demo(tmp_path):
    src = tmp_path / "src"            # build from a copy: setuptools writes build/ into the tree it builds
    shutil.copytree(ROOT, src, symlinks=True, ignore=shutil.ignore_patterns(".git", "build", "*.egg-info", "__pycache__"))
    wheels = tmp_path / "wheels"
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(src)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    (wheel,) = wheels.glob("tensix-*.whl")
    venv = tmp_path / "venv"          # numpy comes from the system site-packages; tensix only from the wheel
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True, timeout=300)
    py, exe = venv / "bin" / "python", venv / "bin" / "tensix"
    r = subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run([str(py), "-c", "import tensix; print(tensix.__file__)"], capture_output=True, text=True,
                           cwd=tmp_path, env=env, timeout=60)
    assert str(venv) in where.stdout, where.stdout + where.stderr        # the installed copy, not the checkout
    r = subprocess.run([str(exe), "demo", "--arch", "n150", "--only", "add_integers,loopback"], capture_output=True,
                       text=True, cwd=tmp_path, env=env, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "13 + 7 = 20" in r.stdout and "FAILED" not in r.stdout, r.stdout
