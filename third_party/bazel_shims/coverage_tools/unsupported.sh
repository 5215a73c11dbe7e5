#!/bin/sh
echo "bazel coverage is not supported in this offline setup" >&2
exit 1
