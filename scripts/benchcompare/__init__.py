"""bench-compare: framepipe beside GStreamer, camera to screen, in the device lab.

The host side (scripts/bench-compare, cli.py) checks the options, builds
framepipe, boots the lab (scripts/lab) with the guest side (guest.py) and
works out the table from what the guest recorded (analyse.py, report.py).
The pure parts (option parsing, the plan, parsing of tool outputs, the
analysis and the tables) are unit-tested under tests/.
"""
