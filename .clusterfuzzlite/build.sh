#!/bin/bash -eu
# ClusterFuzzLite entry point: the shared OSS-Fuzz build script (fuzz/oss-fuzz/build.sh).
exec "$SRC/bufconf/fuzz/oss-fuzz/build.sh"
