"""A few cases of ops that already exist, so the fixture harness itself is
tested before any family lands (and keeps a case when families move)."""
import numpy as np

from .common import Case, ramp, uniform


def cases():
    x = uniform(1, [2, 3])
    return [
        Case("Slice", "2x3 begin [0,1] size [-1,2]", [x, np.array([0, 1], np.int32), np.array([-1, 2], np.int32)],
             grad=[0]),
        Case("ConcatV2", "list input, axis 1", [[x, ramp([2, 2], np.float64)], np.array(1, np.int32)], grad=[0, 1]),
        Case("Transpose", "int32, perm [1,0]", [ramp([2, 3], np.int32), np.array([1, 0], np.int32)]),
        Case("Softmax", "float32 rows", [uniform(2, [3, 4], dtype=np.float32)], grad=[0], rtol=1e-5),
        Case("Slice", "begin past the end is rejected",
             [x, np.array([3, 0], np.int32), np.array([1, 1], np.int32)], error=True),
    ]
