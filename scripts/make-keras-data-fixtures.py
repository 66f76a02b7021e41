#!/usr/bin/env python3
"""Regenerates the gzip and IDX fixtures under Tests/TensorGraphKerasTests/Data/Fixtures/.

They are written with Python's own gzip module (compresslevel 9, mtime 0),
so TensorGraphKeras's reader is tested against an independent writer; the
README in that folder lists what each file holds. Needs only Python 3:

    python3 scripts/make-keras-data-fixtures.py [--check]

With --check it writes nothing and exits 1 if a committed file's contents
differ from what it would write (compressed bytes may legitimately differ
with the zlib version, so it compares the decompressed data and the gzip
member layout).
"""
import argparse
import gzip
import os
import platform
import struct
import sys
import zlib

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
HERE = os.path.join(ROOT, "Tests", "TensorGraphKerasTests", "Data", "Fixtures")

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--check", action="store_true", help="compare with the committed files instead of writing them")
args = parser.parse_args()
print(f"ran with python {platform.python_version()}, zlib {zlib.ZLIB_RUNTIME_VERSION}")


def gz(data, level=9):
    return gzip.compress(data, compresslevel=level, mtime=0)


def idx(dims, data):
    """An IDX file of unsigned bytes: magic 0 0 8 rank, big-endian dimensions, data."""
    return bytes([0, 0, 8, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + bytes(data)


hello = b"TensorGraph reads gzip through the system zlib.\n" * 3
images = idx([3, 4, 5], [(7 * i + 3) % 256 for i in range(3 * 4 * 5)])


def mnist_images(first, count):
    return idx([count, 28, 28], [(37 * k + 5 * r + 11 * c) % 256 for k in range(first, first + count) for r in range(28) for c in range(28)])


files = {
    "hello.txt.gz": gz(hello),
    "multi-member.gz": gz(b"first member\n") + gz(b"second member\n", level=1) + gz(b""),
    "zero-padded.gz": gz(b"padded\n") + bytes(11),
    "empty.gz": gz(b""),
    "images-idx3-ubyte": images,
    "images-idx3-ubyte.gz": gz(images),
    "labels-idx1-ubyte.gz": gz(idx([3], [0, 9, 4])),
    # Five training images, then three test images numbered on from them.
    "mini-mnist/train-images-idx3-ubyte.gz": gz(mnist_images(0, 5)),
    "mini-mnist/train-labels-idx1-ubyte.gz": gz(idx([5], [3, 1, 4, 1, 5])),
    "mini-mnist/t10k-images-idx3-ubyte.gz": gz(mnist_images(5, 3)),
    "mini-mnist/t10k-labels-idx1-ubyte": idx([3], [9, 2, 6]),
}


def members(data):
    """The decompressed members of a gzip stream and the bytes after them."""
    out = []
    while data[:2] == b"\x1f\x8b":
        d = zlib.decompressobj(wbits=31)
        out.append(d.decompress(data))
        data = d.unused_data
    return out, data


def layout(name, data):
    return members(data) if name.endswith(".gz") else ([data], b"")


if args.check:
    bad = []
    for name, data in files.items():
        with open(os.path.join(HERE, name), "rb") as f:
            committed = f.read()
        if committed != data and layout(name, committed) != layout(name, data):
            bad.append(name)
    print("up to date" if not bad else "differ: " + ", ".join(bad))
    sys.exit(1 if bad else 0)
for name, data in files.items():
    path = os.path.join(HERE, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
print(f"wrote {len(files)} files to", os.path.relpath(HERE, ROOT))
