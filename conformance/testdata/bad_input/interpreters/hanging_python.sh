#!/bin/sh
# A "python" that never starts anything (python_hangs.case).
exec sleep 100000
