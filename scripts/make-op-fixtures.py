#!/usr/bin/env python3
"""Regenerates Tests/TensorGraphTests/Fixtures/ops/: TensorFlow 2.21's own
outputs and gradients for the op families of scripts/tf_op_fixtures/, and
TensorFlow's OpDefs (names, inputs, outputs, attributes and defaults) of
every op the registry shares with TensorFlow.

Every case runs through tf.raw_ops with TensorFlow's input names, so the
fixtures are TensorFlow's values, not a reimplementation; gradients come
from tf.GradientTape with a seeded upstream gradient per output. The format
is described in scripts/tf_op_fixtures/common.py. Needs TensorFlow 2.21
(tensorflow-cpu==2.21.*), numpy and safetensors:

    python3 scripts/make-op-fixtures.py                 # rewrite every family
    python3 scripts/make-op-fixtures.py indexing scans  # rewrite some
    python3 scripts/make-op-fixtures.py --check         # compare, write nothing
"""
import importlib
import inspect
import json
import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf  # noqa: E402
from safetensors.numpy import load_file, save_file  # noqa: E402
from tensorflow.python.framework import op_def_registry  # noqa: E402

if not tf.__version__.startswith("2.21."):
    sys.exit(f"make-op-fixtures.py: needs TensorFlow 2.21, found {tf.__version__}")

SCRIPTS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, SCRIPTS)
OUT = os.path.join(SCRIPTS, "..", "Tests", "TensorGraphTests", "Fixtures", "ops")
FAMILIES = sorted(f[:-3] for f in os.listdir(os.path.join(SCRIPTS, "tf_op_fixtures"))
                  if f.endswith(".py") and f not in ("__init__.py", "common.py"))



def dt_name(dtype):
    """TensorFlow's DataType enum name of a dtype, a numpy type or an enum
    value (`DT_FLOAT`, `DT_INT32`)."""
    name = tf.as_dtype(dtype).name
    return {"float32": "DT_FLOAT", "float64": "DT_DOUBLE"}.get(name, f"DT_{name.upper()}")


def attr_json(value):
    """A Python attribute value in the graph format's AttrValue JSON."""
    def kind(v):
        if isinstance(v, bool):
            return "b", v
        if isinstance(v, (int, np.integer)):
            return "i", int(v)
        if isinstance(v, (float, np.floating)):
            f = float(v)
            return "f", f if np.isfinite(f) else ("NaN" if np.isnan(f) else ("Infinity" if f > 0 else "-Infinity"))
        if isinstance(v, str):
            return "s", v
        return "type", dt_name(v)
    if isinstance(value, (list, tuple)):
        if not value:
            return {"list": {}}
        pairs = [kind(v) for v in value]
        return {"list": {pairs[0][0]: [p[1] for p in pairs]}}
    k, v = kind(value)
    return {k: v}


def flat_inputs(case):
    flat = []
    for x in case.inputs:
        flat.extend(x if isinstance(x, (list, tuple)) else [x])
    return [np.asarray(x) for x in flat]


def run_case(family, k, case):
    """The tensors and the metadata entry of one case."""
    op_def = op_def_registry.get(case.op)
    assert op_def is not None, f"{family}: {case.op} is not a TensorFlow op"
    # tf.raw_ops' Python names of the inputs come first, in the OpDef's
    # order, but can differ from the OpDef's (Where's `condition`, All's and
    # Any's `axis` for reduction_indices).
    names = list(inspect.signature(getattr(tf.raw_ops, case.op)).parameters)[:len(op_def.input_arg)]
    assert len(names) == len(case.inputs), (case.op, names)
    flat = flat_inputs(case)
    variables = [tf.Variable(x) if i in case.grad else None for i, x in enumerate(flat)]
    tensors = {f"c{k}/x{i}": x for i, x in enumerate(flat)}
    entry = {"op": case.op, "label": case.label, "attrs": {n: attr_json(v) for n, v in case.attrs.items()},
             "inputs": len(flat), "grad": list(case.grad)}
    if case.rtol is not None:
        entry["rtol"] = case.rtol
    if case.atol is not None:
        entry["atol"] = case.atol

    def call(values):
        args, at = {}, 0
        for name, x in zip(names, case.inputs):
            n = len(x) if isinstance(x, (list, tuple)) else 1
            part = values[at:at + n]
            args[name] = list(part) if isinstance(x, (list, tuple)) else part[0]
            at += n
        result = getattr(tf.raw_ops, case.op)(**args, **case.attrs)
        if isinstance(result, (list, tuple)):
            return list(result)
        return [result]

    try:
        with tf.GradientTape(persistent=True) as tape:
            values = [v if v is not None else tf.constant(x) for v, x in zip(variables, flat)]
            ys = call(values)
            upstream = []
            loss = tf.constant(0.0, tf.float64)
            for j, y in enumerate(ys):
                if y.dtype.is_floating:
                    dy = np.asarray(np.random.default_rng(1000 * k + j).uniform(-1, 1, size=y.shape), y.dtype.as_numpy_dtype)
                    upstream.append((j, dy))
                    loss += tf.cast(tf.reduce_sum(y * dy), tf.float64)
        if case.error:
            sys.exit(f"{family} case {k} ({case.op} {case.label}): TensorFlow accepted inputs marked error=True")
    # TruncateDiv's integer division by zero is an InternalError.
    except (tf.errors.InvalidArgumentError, tf.errors.UnimplementedError, tf.errors.InternalError, ValueError,
            TypeError) as e:
        if not case.error:
            raise
        entry["error"] = str(e).splitlines()[0][:300]
        entry["outputs"] = 0
        return tensors, entry
    for j, y in enumerate(ys):
        tensors[f"c{k}/y{j}"] = np.asarray(y.numpy())
    for j, dy in upstream:
        tensors[f"c{k}/dy{j}"] = dy
    entry["outputs"] = len(ys)
    if case.grad:
        grads = tape.gradient(loss, [variables[i] for i in case.grad])
        for i, dx in zip(case.grad, grads):
            assert dx is not None, f"{family} case {k} ({case.op} {case.label}): no gradient for input {i}"
            tensors[f"c{k}/dx{i}"] = np.asarray(tf.convert_to_tensor(dx).numpy())
    return tensors, entry


def family_fixture(family):
    module = importlib.import_module(f"tf_op_fixtures.{family}")
    tensors, entries = {}, []
    for k, case in enumerate(module.cases()):
        t, e = run_case(family, k, case)
        tensors.update(t)
        entries.append(e)
    return tensors, entries


def default_json(v):
    """An attribute default in the graph format's AttrValue JSON."""
    which = v.WhichOneof("value")
    if which == "list":
        for key in ("i", "f", "b", "s", "type"):
            values = list(getattr(v.list, key))
            if values:
                return {"list": {key: [scalar_json(key, x) for x in values]}}
        return {"list": {}}
    if which == "shape":
        return {"shape": {"unknown_rank": True} if v.shape.unknown_rank else
                {"dim": [{"size": d.size} for d in v.shape.dim]}}
    if which in ("i", "f", "b", "s", "type"):
        return {which: scalar_json(which, getattr(v, which))}
    return {which: str(getattr(v, which))}


def scalar_json(key, x):
    if key == "s":
        return x.decode()
    if key == "type":
        return dt_name(x)
    if key == "f":
        return attr_json(float(x))["f"]
    return x


def op_defs_json():
    """TensorFlow's OpDef of every raw op, reduced to what the registry
    mirrors: argument names and their type attributes, attribute names,
    kinds, defaults and allowed types."""
    out = {}
    for name in sorted(n for n in dir(tf.raw_ops) if not n.startswith("_")):
        d = op_def_registry.get(name)
        if d is None:
            continue

        def arg(a):
            r = {"name": a.name}
            for key in ("type_attr", "number_attr", "type_list_attr"):
                if getattr(a, key):
                    r[key] = getattr(a, key)
            if a.type:
                r["type"] = tf.dtypes.as_dtype(a.type).name
            if a.is_ref:
                r["is_ref"] = True
            return r

        attrs = []
        for a in d.attr:
            r = {"name": a.name, "type": a.type}
            if a.HasField("default_value"):
                r["default"] = default_json(a.default_value)
            if a.allowed_values.list.type:
                r["allowed"] = [tf.dtypes.as_dtype(t).name for t in a.allowed_values.list.type]
            elif a.allowed_values.list.s:
                r["allowed"] = [s.decode() for s in a.allowed_values.list.s]
            attrs.append(r)
        out[name] = {"inputs": [arg(a) for a in d.input_arg], "outputs": [arg(a) for a in d.output_arg],
                     "attrs": attrs}
    return out


def main(argv):
    check = "--check" in argv
    chosen = [a for a in argv if not a.startswith("--")] or FAMILIES
    unknown = sorted(set(chosen) - set(FAMILIES))
    if unknown:
        sys.exit(f"make-op-fixtures.py: unknown families {unknown}; known: {FAMILIES}")
    os.makedirs(OUT, exist_ok=True)
    failures = 0
    for family in chosen:
        tensors, entries = family_fixture(family)
        path = os.path.join(OUT, f"{family}.safetensors")
        metadata = {"cases": json.dumps(entries, sort_keys=True), "tensorflow": tf.__version__,
                    "numpy": np.__version__}
        if check:
            old = load_file(path) if os.path.exists(path) else {}
            same = old.keys() == tensors.keys() and all(
                old[n].dtype == tensors[n].dtype and old[n].shape == tensors[n].shape
                and np.array_equal(old[n], tensors[n], equal_nan=True) for n in tensors)
            if not same:
                failures += 1
            print(f"{family}: {len(entries)} cases, {len(tensors)} tensors: {'same' if same else 'DIFFERENT'}")
        else:
            save_file(tensors, path, metadata=metadata)
            print(f"{family}: {len(entries)} cases, {len(tensors)} tensors -> {os.path.relpath(path)}")
    defs = json.dumps(op_defs_json(), sort_keys=True, separators=(",", ":"))
    defs_path = os.path.join(OUT, "tensorflow-opdefs.json")
    if check:
        same = os.path.exists(defs_path) and open(defs_path).read() == defs
        failures += 0 if same else 1
        print(f"opdefs: {'same' if same else 'DIFFERENT'}")
    else:
        with open(defs_path, "w") as f:
            f.write(defs)
        print(f"opdefs: {len(defs)} bytes -> {os.path.relpath(defs_path)}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
