"""Shared test settings: every device the tests open runs the clock's conservation check (issue 8):
no NoC link, core NoC port or DRAM channel may be booked above its rate in any window."""
import os

os.environ.setdefault("TENSIX_CHECK", "1")
