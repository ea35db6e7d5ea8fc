"""python -m tensix.tinygrad install   write the .pth finder so `DEV=TT python script.py` needs no import
python -m tensix.tinygrad uninstall remove it"""
import sys

from .finder import install_pth, uninstall_pth


def main(argv: list[str]) -> int:
    if argv[:1] == ["install"]:
        print(f"installed {install_pth()}: DEV=TT now finds tinygrad.runtime.ops_tt")
        return 0
    if argv[:1] == ["uninstall"]:
        p = uninstall_pth()
        print(f"removed {p}" if p else "no tensix .pth file was installed")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
