"""TensorFlow's image resizes (ResizeBilinear, ResizeNearestNeighbor,
ResizeBicubic) in every mode (align_corners, half_pixel_centers), up and
down, with their gradient ops and the gradients of those."""
import numpy as np

from .common import Case, ramp, uniform

MODES = [("legacy", {}), ("align_corners", {"align_corners": True}),
         ("half_pixel_centers", {"half_pixel_centers": True})]


def size(h, w):
    return np.array([h, w], np.int32)


def cases():
    out = []
    image = uniform(70, [2, 4, 5, 3])
    small = uniform(71, [1, 3, 3, 2], dtype=np.float32)
    for op in ("ResizeBilinear", "ResizeNearestNeighbor", "ResizeBicubic"):
        rtol = 1e-5 if op == "ResizeBicubic" else None
        for label, attrs in MODES:
            out.append(Case(op, f"{label} up to 7x9", [image, size(7, 9)], attrs=attrs, grad=[0], rtol=rtol,
                            atol=1e-5 if op == "ResizeBicubic" else None))
            out.append(Case(op, f"{label} down to 3x2", [image, size(3, 2)], attrs=attrs, grad=[0], rtol=rtol,
                            atol=1e-5 if op == "ResizeBicubic" else None))
            out.append(Case(op, f"{label} float32 to 1x1", [small, size(1, 1)], attrs=attrs, grad=[0], rtol=rtol))
            out.append(Case(op, f"{label} uint8 up to 5x4", [ramp([1, 3, 3, 1], np.uint8, start=10), size(5, 4)],
                            attrs=attrs, rtol=rtol))
            out.append(Case(op, f"{label} int32 to 2x6", [ramp([1, 2, 3, 2], np.int32, start=-5), size(2, 6)],
                            attrs=attrs, rtol=rtol))
        out.append(Case(op, "align_corners with half_pixel_centers is rejected", [image, size(3, 3)],
                        attrs={"align_corners": True, "half_pixel_centers": True}, error=True))
        out.append(Case(op, "zero size is rejected", [image, size(0, 3)], error=True))
        out.append(Case(op, "negative size is rejected", [image, size(3, -1)], error=True))
        out.append(Case(op, "rank-3 images are rejected", [uniform(72, [4, 5, 3]), size(3, 3)], error=True))
        out.append(Case(op, "a size of three values is rejected", [image, np.array([3, 3, 3], np.int32)],
                        error=True))
    # The gradient ops (TensorFlow registers no gradient for them; ours,
    # the forward resizes, are checked by finite differences).
    dy = uniform(73, [2, 3, 7, 3], dtype=np.float32)
    for label, attrs in MODES:
        out.append(Case("ResizeBilinearGrad", label, [dy, image], attrs=attrs))
        out.append(Case("ResizeBicubicGrad", label, [dy, image.astype(np.float32)], attrs=attrs, rtol=1e-5,
                        atol=1e-5))
        out.append(Case("ResizeNearestNeighborGrad", label, [dy.astype(np.float64), size(4, 5)], attrs=attrs))
    return out
