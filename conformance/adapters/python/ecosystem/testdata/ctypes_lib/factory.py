"""A fixture library for survey_driver_test: ctypes arrays, whose exporter ignores the request
flags (REQ-FORMAT-NULL, REQ-ND-SHAPE, REQ-STRIDES-FILLED) and lets itself be resized while
exported (RELEASE-RESIZE-WHILE-EXPORTED): known, deterministic failures of the standard
library, so that the survey's triage can be tested without third-party packages."""
import ctypes


def make():
    return [("c_int * 3", (ctypes.c_int * 3)(1, 2, 3)),
            ("c_double * 2", (ctypes.c_double * 2)(0.5, 1.5))]
