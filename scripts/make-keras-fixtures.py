#!/usr/bin/env python3
"""Regenerates tf_keras's reference values for TensorGraphKeras's tests.

Writes Tests/TensorGraphKerasTests/KerasReference+Generated.swift: every
value the Keras tests compare with tf_keras (summary tables, progress-bar
output, layer shapes and parameter counts, losses, metrics, evaluate's
aggregated results, optimizer trajectories, optimizer defaults), together
with the inputs that produced them, so the tests read both from one place.

The values are tf_keras 2.21's, computed on the CPU. Set up an environment
with exactly those versions, then run the script from the repository root:

    python3 -m venv .venv-fixtures
    .venv-fixtures/bin/pip install 'tensorflow-cpu==2.21.*' 'tf-keras==2.21.*' numpy
    .venv-fixtures/bin/python scripts/make-keras-fixtures.py

It prints the versions it ran with, and refuses other TensorFlow or tf_keras
major.minor versions unless given --force. With --check it writes nothing
and exits 1 if the committed file differs from what it would write.
"""
import argparse
import contextlib
import io
import os
import platform
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

EXPECTED = "2.21"
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
OUTPUT = os.path.join(ROOT, "Tests", "TensorGraphKerasTests", "KerasReference+Generated.swift")
SCRIPT = "scripts/make-keras-fixtures.py"

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("--force", action="store_true", help="run on TensorFlow/tf_keras versions other than 2.21")
parser.add_argument("--check", action="store_true", help="compare with the committed file instead of writing it")
args = parser.parse_args()

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf_keras as keras  # noqa: E402
from tf_keras.src.utils import generic_utils  # noqa: E402

versions = {
    "tensorflow": tf.__version__,
    "tf_keras": keras.__version__,
    "numpy": np.__version__,
    "python": platform.python_version(),
}
print("ran with " + ", ".join(f"{k} {v}" for k, v in versions.items()))
for name in ("tensorflow", "tf_keras"):
    if ".".join(versions[name].split(".")[:2]) != EXPECTED and not args.force:
        sys.exit(f"{name} {versions[name]} is not {EXPECTED}.x: the fixtures are {EXPECTED}'s (--force to run anyway)")

L = keras.layers


# MARK: - Swift output


def swift_string(s):
    """A Swift string literal; runs of backspaces become `backspaces(n)`."""
    parts, literal, i = [], "", 0
    while i < len(s):
        if s[i] == "\b":
            j = i
            while j < len(s) and s[j] == "\b":
                j += 1
            if j - i > 3:
                parts.append('"' + literal + '"')
                parts.append(f"backspaces({j - i})")
                literal, i = "", j
                continue
        c = s[i]
        literal += {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\b": "\\u{8}", "\t": "\\t"}.get(c, c)
        i += 1
    parts.append('"' + literal + '"')
    parts = [p for p in parts if p != '""'] or ['""']
    return " + ".join(parts)


def swift(value):
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if not np.isfinite(v):
            raise ValueError(f"non-finite value {v}")
        return repr(v)
    if isinstance(value, str):
        return swift_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(swift(v) for v in value) + "]"
    if isinstance(value, dict):
        if not value:
            return "[:]"
        return "[" + ", ".join(f"{swift(k)}: {swift(v)}" for k, v in value.items()) + "]"
    raise TypeError(type(value))


def struct(type_name, **fields):
    return f"{type_name}(" + ", ".join(f"{k}: {swift(v)}" for k, v in fields.items()) + ")"


sections = []


def section(title, lines):
    sections.append(f"  // MARK: - {title}\n\n" + "\n".join(lines))


def lines_constant(name, doc, lines):
    body = "\n".join(f"    {swift(line)}," for line in lines)
    return f"  /// {doc}\n  static let {name}: [String] = [\n{body}\n  ]\n"


def table(name, doc, type_name, rows):
    body = "\n".join(f"    {row}," for row in rows)
    return f"  /// {doc}\n  static let {name}: [{type_name}] = [\n{body}\n  ]\n"


def flat(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


# MARK: - Summaries


def summary(model):
    lines = []
    model.summary(print_fn=lines.append)
    return lines


# Each group runs in a fresh session, so the automatic names (dense_3,
# input_2, model_1, ...) continue within it as they do in the Swift tests.
keras.backend.clear_session()
cifar_sequential = keras.Sequential(
    [L.Flatten(input_shape=(32, 32, 3)), L.Dense(200, "relu"), L.Dense(150, "relu"), L.Dense(10, "softmax")]
)
inputs = keras.Input((32, 32, 3))
x = L.Flatten()(inputs)
x = L.Dense(200, "relu")(x)
x = L.Dense(150, "relu")(x)
cifar_functional = keras.Model(inputs, L.Dense(10, "softmax")(x))
a = keras.Input((4,))
b, c = L.Dense(3)(a), L.Dense(3)(a)
branching = keras.Model(a, L.Concatenate()([L.Add()([b, c]), b]))
summaries = [
    ("cifarSequential", "The CIFAR-10 MLP as a Sequential model.", cifar_sequential),
    ("cifarFunctional", "The same model with the functional API (built after the Sequential one).", cifar_functional),
    ("branching", "A branching functional model (Add, Concatenate) with \"Connected to\".", branching),
]
summaries = [(n, d, summary(m)) for n, d, m in summaries]

keras.backend.clear_session()
quickstart = keras.Sequential([L.Flatten(input_shape=(28, 28)), L.Dense(128, "relu"), L.Dropout(0.2), L.Dense(10)])
summaries.append(("quickstart", "`Sequential([Flatten(input_shape=(28, 28)), Dense(128, \"relu\"), Dropout(0.2), Dense(10)])`.", summary(quickstart)))
summaries.append(("probability", "`Sequential([quickstart, Softmax()])`.", summary(keras.Sequential([quickstart, L.Softmax()]))))

keras.backend.clear_session()
inp = keras.Input((4,))
inner = keras.Model(inp, L.Dense(3)(inp))
a = keras.Input((4,))
b = inner(a)
nested_functional = keras.Model(a, L.Add()([L.Dense(2)(b), L.Dense(2)(b)]))
s = keras.Sequential([L.Dense(3, input_shape=(4,))])
s.add(L.Dense(2))
a2 = keras.Input((4,))
o2 = s(a2)
nested_sequential = keras.Model(a2, L.Concatenate()([L.Dense(1)(o2), L.Dense(1)(o2)]))
summaries.append(("nestedFunctional", "A functional model calling a functional model, then two Dense layers merged by Add.", summary(nested_functional)))
summaries.append(("nestedSequential", "A functional model calling a built Sequential model, then two Dense layers concatenated (built after `nestedFunctional`).", summary(nested_sequential)))

keras.backend.clear_session()
cnn = keras.Sequential(
    [
        L.Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)),
        L.MaxPooling2D(2),
        L.Conv2D(64, 3, activation="relu"),
        L.MaxPooling2D(2),
        L.Flatten(),
        L.Dense(128, activation="relu"),
        L.Dropout(0.5),
        L.Dense(10, activation="softmax"),
    ]
)
inputs = keras.Input((32, 32, 3))
x = L.Conv2D(16, 3, strides=2, padding="same")(inputs)
x = L.BatchNormalization()(x)
x = L.Activation("relu")(x)
x = L.AveragePooling2D(2, padding="same")(x)
x = L.Conv2D(8, kernel_size=(3, 2), dilation_rate=2, use_bias=False)(x)
x = L.GlobalAveragePooling2D()(x)
conv_functional = keras.Model(inputs, L.Dense(10)(x))
summaries.append(("cnn", "The Fashion-MNIST CNN (Sequential).", summary(cnn)))
summaries.append(("convFunctional", "Strides, \"same\" padding, batch norm, average and global pooling, dilation, no bias (built after `cnn`).", summary(conv_functional)))



class StepCounter(L.Layer):
    """LayerTests' custom layer: the identity, with one non-trainable weight."""

    def build(self, input_shape):
        self.count = self.add_weight("count", shape=(), initializer="zeros", trainable=False)

    def call(self, inputs):
        return tf.identity(inputs)


keras.backend.clear_session()
custom = keras.Sequential([L.Dense(3, activation="softmax", input_shape=(4,)), StepCounter()])
summaries.append(("customLayer", "A Dense layer then a custom layer (`StepCounter`) holding one non-trainable weight.", summary(custom)))

section("Summaries (`model.summary()`)", [lines_constant(n, d, ls) for n, d, ls in summaries])


# MARK: - Progress bars


class FakeClock:
    """Stands in for `time` inside generic_utils. It starts far from 0 because
    Progbar's `_last_update` starts at 0, which real clocks are far from."""

    base = 1000.0

    def __init__(self):
        self.t = self.base

    def time(self):
        return self.t


def progbar(label, target, events, verbose=1, stateful=()):
    """Replays `events` (time, step, [(name, value)], finalize) on tf_keras's Progbar."""
    clock = FakeClock()
    real_time = generic_utils.time
    generic_utils.time = clock
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            bar = keras.utils.Progbar(target, verbose=verbose, stateful_metrics=list(stateful))
            for t, step, values, finalize in events:
                clock.t = clock.base + t
                bar.update(step, values=values, finalize=finalize)
    finally:
        generic_utils.time = real_time
    rows = [
        struct("ProgbarEvent", time=t, step=step, names=[k for k, _ in v], values=[float(x) for _, x in v], finalize=f)
        for t, step, v, f in events
    ]
    return (
        f"    ProgbarCase(\n      label: {swift(label)}, target: {target}, verbose: {verbose},"
        f" statefulMetrics: {swift(sorted(stateful))},\n      events: [\n"
        + "".join(f"        {r},\n" for r in rows)
        + f"      ],\n      output: {swift(out.getvalue())})"
    )


acc = ("loss", "accuracy")
progbars = [
    # fit's epoch: the first step draws with an ETA, the next ones fall in
    # the 50 ms redraw interval, the last one (after validation) is final.
    progbar(
        "fit epoch", 8,
        [(0.4, 1, [("loss", 2.5122), ("accuracy", 0.125)], False)]
        + [(round(0.4 + 0.004 * (s - 1), 3), s, [("loss", 2.6557), ("accuracy", 0.1055)], False) for s in range(2, 9)]
        + [(0.554, 8, [("loss", 2.6557), ("accuracy", 0.1055), ("val_loss", 2.3193), ("val_accuracy", 0.125)], True)],
        stateful=acc,
    ),
    progbar("verbose 2", 10, [(0.0452, 10, [("loss", 2.2782), ("accuracy", 0.1875)], True)], verbose=2, stateful=acc),
    progbar(
        "evaluate", 10,
        [(0.002, 1, [("loss", 2.1263), ("accuracy", 0.25)], False), (0.02, 10, [("loss", 2.1474), ("accuracy", 0.2125)], True)],
        stateful=acc,
    ),
    progbar("predict", 1, [(0.055, 1, [], False), (0.055, 1, [], True)]),
    progbar("small values, ETA in minutes", 1000, [(0.2, 1, [("loss", 0.000123)], False)], stateful=("loss",)),
    # Values not declared stateful are averaged over the steps they cover;
    # a shorter line is padded with spaces over the longer one before it.
    progbar(
        "averaged values, ETA in hours", 20000,
        [(0.5, 1, [("loss", 4.0), ("mae", -2.0)], False), (0.7, 3, [("loss", 1.0), ("mae", 0.0005)], False),
         (1.2, 20, [("loss", 0.5)], False), (3.0, 20000, [("loss", 0.25)], True)],
    ),
    # Verbosity 2 prints only the final update; small and negative values
    # there use exponents (it compares `avg > 1e-3`, without abs).
    progbar(
        "verbose 2, exponents", 4,
        [(0.01, 1, [("loss", 0.5), ("delta", -0.5)], False), (2.5, 4, [("loss", 0.0001), ("delta", -0.25)], True)],
        verbose=2,
    ),
]
section(
    "Progress bars (`keras.utils.Progbar` on a fake clock)",
    ["  /// Updates replayed on tf_keras's Progbar, and everything it wrote.\n"
     "  static let progbars: [ProgbarCase] = [\n" + ",\n".join(progbars) + ",\n  ]\n"],
)


# MARK: - Layers


def shape_list(shape):
    return [None if d is None else int(d) for d in shape]


layer_cases = [
    ("dense", lambda: L.Dense(5), (3,)),
    ("dense without bias", lambda: L.Dense(5, use_bias=False), (3,)),
    ("dense on rank 3", lambda: L.Dense(5), (4, 3)),
    ("flatten", lambda: L.Flatten(), (2, 3, 4)),
    ("reshape", lambda: L.Reshape((3, -1)), (24,)),
    ("dropout", lambda: L.Dropout(0.5), (7,)),
    ("activation", lambda: L.Activation("tanh"), (7,)),
    ("softmax", lambda: L.Softmax(), (2, 5)),
    ("conv2d", lambda: L.Conv2D(4, 3), (8, 7, 2)),
    ("conv2d same, strides 2", lambda: L.Conv2D(4, 3, strides=2, padding="same"), (7, 6, 3)),
    ("conv2d dilated, no bias", lambda: L.Conv2D(2, (3, 2), dilation_rate=2, use_bias=False), (9, 8, 3)),
    ("max pooling", lambda: L.MaxPooling2D(2), (7, 6, 3)),
    ("average pooling same", lambda: L.AveragePooling2D(2, padding="same"), (7, 6, 3)),
    ("global average pooling", lambda: L.GlobalAveragePooling2D(), (5, 4, 3)),
    ("batch normalization", lambda: L.BatchNormalization(), (5, 4, 3)),
]
rows = []
for label, make, shape in layer_cases:
    keras.backend.clear_session()
    layer = make()
    y = layer(keras.Input(shape))
    rows.append(struct("LayerShape", label=label, input=list(shape), output=shape_list(y.shape), params=layer.count_params()))
merge_cases = [
    ("concatenate", "Concatenate", [(4,), (6,)]),
    ("concatenate rank 3", "Concatenate", [(2, 3), (2, 5)]),
    ("add", "Add", [(3,), (3,), (3,)]),
]
merge_rows = []
for label, cls, shapes in merge_cases:
    keras.backend.clear_session()
    y = getattr(L, cls)()([keras.Input(s) for s in shapes])
    merge_rows.append(struct("MergeShape", label=label, layer=cls, inputs=[list(s) for s in shapes], output=shape_list(y.shape)))
section(
    "Layers (output shapes and parameter counts)",
    [table("layerShapes", "One layer called on `Input(shape: input)`.", "LayerShape", rows),
     table("mergeShapes", "A merge layer called on several inputs.", "MergeShape", merge_rows)],
)



# MARK: - Graph node names


def graph_node_names(build):
    """The names of the ops tf_keras puts in a TF1-style graph for build()."""
    keras.backend.clear_session()
    graph = tf.Graph()
    with graph.as_default():
        build()
    return sorted(op.name for op in graph.get_operations())


def dense_graph():
    x = keras.Input(shape=(3,))
    L.Dense(4, activation="relu")(x)
    L.Dense(2, activation="softmax")(x)


def convolutional_graph():
    x = keras.Input(shape=(8, 8, 2))
    y = L.Conv2D(4, 3, activation="relu")(x)
    y = L.BatchNormalization()(y)
    y = L.MaxPooling2D(2)(y)
    y = L.AveragePooling2D(1)(y)
    L.GlobalAveragePooling2D()(y)


section(
    "Graph node names (layers called in a `tf.Graph`)",
    [lines_constant("denseGraphNodeNames", "Input(3) → Dense(4, relu) and Dense(2, softmax).",
                    graph_node_names(dense_graph)),
     lines_constant("convolutionalGraphNodeNames",
                    "Input(8, 8, 2) → Conv2D(4, 3, relu) → BatchNormalization → MaxPooling2D(2) → "
                    "AveragePooling2D(1) → GlobalAveragePooling2D.", graph_node_names(convolutional_graph))],
)


# MARK: - Losses

T = [[0, 1, 0], [1, 0, 0]]
P = [[0.1, 0.7, 0.2], [0.3, 0.3, 0.4]]
LOGITS = [[1, 2, -1], [0.5, -0.5, 3]]


def loss_case(label, cls, y_true, y_pred, from_logits=None, activation="", sparse=False):
    kwargs = {} if from_logits is None else {"from_logits": from_logits}
    yt = np.array(y_true, dtype=np.int32 if sparse else np.float32)
    yp = tf.constant(np.array(y_pred, dtype=np.float32))
    if activation:
        # Keras's activations tag their outputs with the logits behind them
        # (`_keras_logits`), which the cross-entropies then read.
        yp = getattr(keras.activations, activation)(yp)
    value = getattr(keras.losses, cls)(**kwargs)(yt, yp).numpy()
    return struct(
        "LossCase", label=label, loss=cls, fromLogits=bool(from_logits), activation=activation, sparse=sparse,
        yTrue=flat(yt), yTrueShape=list(yt.shape), yPred=flat(y_pred), yPredShape=list(np.shape(y_pred)),
        value=float(value),
    )


R3_TRUE = [[[0, 1, 0], [0, 0, 1]], [[1, 0, 0], [0.5, 0.5, 0]]]
R3_LOGITS = [[[1, -2, 0.5], [3, 1, -1]], [[0, 0, 0], [-4, 2, 1]]]
loss_rows = [
    loss_case("mse", "MeanSquaredError", T, P),
    loss_case("mse rank 3", "MeanSquaredError", R3_TRUE, R3_LOGITS),
    loss_case("mae", "MeanAbsoluteError", T, P),
    loss_case("mae rank 3", "MeanAbsoluteError", R3_TRUE, R3_LOGITS),
    loss_case("cce probabilities", "CategoricalCrossentropy", T, P),
    # Rows not summing to 1 are renormalized; soft targets weigh every class.
    loss_case("cce unnormalized, soft targets", "CategoricalCrossentropy", [[0.2, 0.8, 0], [0, 0.5, 0.5]], [[0.2, 0.6, 0.4], [1, 2, 1]]),
    # A zero probability is clipped to 1e-7: −log(1e-7).
    loss_case("cce clipped", "CategoricalCrossentropy", [[1, 0, 0]], [[0, 1, 0]]),
    loss_case("cce logits", "CategoricalCrossentropy", T, LOGITS, from_logits=True),
    loss_case("cce large logits", "CategoricalCrossentropy", [[1, 0, 0], [0, 0, 1]], [[0, 0, 30], [-40, 10, 0]], from_logits=True),
    # A Softmax's output is read through to its logits: 30, not the clipped 16.1.
    loss_case("cce through softmax", "CategoricalCrossentropy", [[1, 0, 0], [0, 1, 0]], [[0, 0, 30], [1, 2, -1]], activation="softmax"),
    loss_case("cce logits rank 3", "CategoricalCrossentropy", R3_TRUE, R3_LOGITS, from_logits=True),
    loss_case("scce probabilities", "SparseCategoricalCrossentropy", [1, 0], P, sparse=True),
    loss_case("scce logits", "SparseCategoricalCrossentropy", [1, 0], LOGITS, from_logits=True, sparse=True),
    loss_case("scce clipped", "SparseCategoricalCrossentropy", [0], [[0, 1, 0]], sparse=True),
    loss_case("scce through softmax", "SparseCategoricalCrossentropy", [0, 2], [[0, 0, 30], [-40, 10, 0]], activation="softmax", sparse=True),
    loss_case("scce labels [batch, 1]", "SparseCategoricalCrossentropy", [[2], [1]], P, sparse=True),
    loss_case("scce logits rank 3", "SparseCategoricalCrossentropy", [[1, 2], [0, 1]], R3_LOGITS, from_logits=True, sparse=True),
    loss_case("bce probabilities", "BinaryCrossentropy", [[1], [0], [1], [0]], [[0.9], [0.2], [0.4], [1.0]]),
    # p = 0 and p = 1, right and wrong: the clip and the +ε inside the log.
    loss_case("bce at 0 and 1", "BinaryCrossentropy", [[1, 0], [0, 1]], [[0, 1], [0, 1]]),
    loss_case("bce soft targets", "BinaryCrossentropy", [[0.25, 1, 0], [0.5, 0, 0.75]], [[0.3, 0.8, 0.05], [0.5, 0.1, 0.99]]),
    loss_case("bce logits", "BinaryCrossentropy", [[1], [0], [1], [0]], [[2], [-1], [-0.5], [30]], from_logits=True),
    # A Sigmoid's output is read through to its logits (no clipping at ±40).
    loss_case("bce through sigmoid", "BinaryCrossentropy", [[0, 1], [1, 0]], [[40, -40], [3, -2]], activation="sigmoid"),
]
section(
    "Losses (`keras.losses.X(from_logits=…)(y_true, y_pred)`)",
    [table("losses", "The mean loss over the batch (`SUM_OVER_BATCH_SIZE`).", "LossCase", loss_rows)],
)


# MARK: - Metrics


def metric_case(label, name, fn, y_true, y_pred, sparse=False):
    yt = np.array(y_true, dtype=np.int32 if sparse else np.float32)
    yp = np.array(y_pred, dtype=np.float32)
    values = fn(tf.constant(yt), tf.constant(yp)).numpy()
    return struct(
        "MetricCase", label=label, metric=name, sparse=sparse, yTrue=flat(yt), yTrueShape=list(yt.shape), yPred=flat(yp),
        yPredShape=list(yp.shape), perExample=flat(values),
    )


M = keras.metrics
# Ties in the arg-max go to the first index; 0.5 is not above the threshold.
TIES = [[0.4, 0.4, 0.2], [0.1, 0.45, 0.45], [0.2, 0.3, 0.5], [1, 0, 0]]
metric_rows = [
    metric_case("binary accuracy", "binary_accuracy", M.binary_accuracy, [[1], [0], [1], [0], [1], [0]], [[0.9], [0.2], [0.4], [1.0], [0.5], [0.5]]),
    metric_case("binary accuracy, 3 columns", "binary_accuracy", M.binary_accuracy, [[1, 0, 1], [0, 0, 1]], [[0.6, 0.4, 0.2], [0.51, -1, 2]]),
    metric_case("categorical accuracy with ties", "categorical_accuracy", M.categorical_accuracy, [[0, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]], TIES),
    metric_case("sparse categorical accuracy with ties", "sparse_categorical_accuracy", M.sparse_categorical_accuracy, [1, 1, 2, 0], TIES, sparse=True),
    metric_case("sparse categorical accuracy, labels [batch, 1]", "sparse_categorical_accuracy", M.sparse_categorical_accuracy, [[0], [2], [2], [0]], TIES, sparse=True),
    metric_case("mae", "mae", M.mean_absolute_error, T, P),
    metric_case("mse", "mse", M.mean_squared_error, [[1, -2], [0.5, 3]], [[0, 0], [0.5, -1]]),
]


def evaluate_case(label, loss, metrics, x, y, sparse=False, batch_size=2):
    keras.backend.clear_session()
    xs = np.array(x, dtype=np.float32)
    ys = np.array(y, dtype=np.int32 if sparse else np.float32)
    model = keras.Sequential([L.Activation("linear", input_shape=xs.shape[1:])])
    model.compile(optimizer="sgd", loss=loss, metrics=list(metrics))
    results = model.evaluate(xs, ys, batch_size=batch_size, verbose=0, return_dict=True)
    return struct(
        "EvaluateCase", label=label, loss=loss, metrics=list(metrics), sparse=sparse, x=flat(xs), xShape=list(xs.shape),
        y=flat(ys), yShape=list(ys.shape), batchSize=batch_size, results={k: float(v) for k, v in results.items()},
    )


X5 = [[0.1, 0.7, 0.2], [0.3, 0.3, 0.4], [0.5, 0.5, 0], [0.05, 0.05, 0.9], [0.6, 0.3, 0.1]]
evaluate_rows = [
    evaluate_case("sparse", "sparse_categorical_crossentropy", ["accuracy", "sparse_categorical_accuracy"], X5, [1, 0, 1, 2, 0], sparse=True),
    evaluate_case("categorical", "categorical_crossentropy", ["accuracy", "categorical_accuracy", "mae", "mse"], X5,
                  [[0, 1, 0], [1, 0, 0], [1, 0, 0], [0, 0, 1], [0, 1, 0]]),
    # p stays inside (0, 1) here: evaluate runs under tf.function, whose graph
    # rewrites compute 1 − p + ε at the clip bound p = 1 − ε as 2.4e-7, not
    # eager's 2.2e-7 (a loss of 15.249, not 15.333); the eager loss table
    # above covers the bounds.
    evaluate_case("binary", "binary_crossentropy", ["accuracy", "binary_accuracy"], [[0.9], [0.2], [0.5], [0.95], [0.3]], [[1], [0], [1], [0], [0]]),
    evaluate_case("regression", "mse", ["mae"], [[1, 2], [0, -1], [3, 3], [0.5, 0], [-2, 1]], [[1, 1], [0, 0], [2, 4], [0, 0], [-2, -1]], batch_size=3),
]
section(
    "Metrics",
    [table("metrics", "`keras.metrics.X(y_true, y_pred)`: the value per example.", "MetricCase", metric_rows),
     table("evaluations", "`evaluate` of an identity model (`Activation(\"linear\")`): loss and metrics averaged over uneven batches.", "EvaluateCase", evaluate_rows)],
)


# MARK: - Optimizers

OPT_X = [[1, 2], [0.5, -1], [3, 0]]
OPT_Y = [[1], [-1], [2]]
OPT_KERNEL, OPT_BIAS = [[0.5], [-0.25]], [0.1]
O = keras.optimizers
optimizer_cases = [
    ("sgd", lambda: O.SGD(learning_rate=0.05)),
    ("momentum", lambda: O.SGD(learning_rate=0.05, momentum=0.9)),
    ("nesterov", lambda: O.SGD(learning_rate=0.05, momentum=0.9, nesterov=True)),
    ("adam", lambda: O.Adam(learning_rate=0.1)),
    # A large ε and small βs: where ε sits and how the bias is corrected show.
    ("adam custom", lambda: O.Adam(learning_rate=0.1, beta_1=0.5, beta_2=0.8, epsilon=0.1)),
    ("rmsprop", lambda: O.RMSprop(learning_rate=0.01)),
    ("rmsprop momentum", lambda: O.RMSprop(learning_rate=0.01, momentum=0.5)),
    ("rmsprop custom", lambda: O.RMSprop(learning_rate=0.05, rho=0.5, epsilon=0.1)),
    # By name, with Keras's defaults.
    ("sgd by name", lambda: "sgd"),
    ("adam by name", lambda: "adam"),
    ("rmsprop by name", lambda: "rmsprop"),
]
HYPER = ("learning_rate", "momentum", "nesterov", "beta_1", "beta_2", "epsilon", "rho")


def hyperparameters(optimizer):
    config = optimizer.get_config()
    return {k: float(config[k]) for k in HYPER if k in config}


optimizer_rows = []
for label, make in optimizer_cases:
    keras.backend.clear_session()
    optimizer = make()
    model = keras.Sequential([L.Dense(1, input_shape=(2,))])
    model.set_weights([np.array(OPT_KERNEL, np.float32), np.array(OPT_BIAS, np.float32)])
    model.compile(optimizer=optimizer, loss="mse")
    history = model.fit(np.array(OPT_X, np.float32), np.array(OPT_Y, np.float32), batch_size=3, epochs=3, verbose=0, shuffle=False)
    optimizer_rows.append(struct(
        "OptimizerCase", label=label, name=model.optimizer.__class__.__name__,
        byName=isinstance(optimizer, str), hyperparameters=hyperparameters(model.optimizer),
        weights=[v for w in model.get_weights() for v in flat(w)], losses=[float(v) for v in history.history["loss"]],
    ))
defaults = [struct("OptimizerDefaults", name=cls, hyperparameters=hyperparameters(getattr(O, cls)())) for cls in ("SGD", "Adam", "RMSprop")]
section(
    "Optimizers (three full-batch epochs of a Dense(1) regression)",
    ["  /// The regression's inputs, targets and starting weights.\n"
     f"  static let optimizerX: [Double] = {swift(flat(OPT_X))}\n"
     f"  static let optimizerY: [Double] = {swift(flat(OPT_Y))}\n"
     f"  static let optimizerStart: [Double] = {swift(flat(OPT_KERNEL) + flat(OPT_BIAS))}\n",
     table("optimizers", "The weights (kernel, bias) after the third epoch and each epoch's loss.", "OptimizerCase", optimizer_rows),
     table("optimizerDefaults", "`get_config()` of each optimizer made with no arguments.", "OptimizerDefaults", defaults)],
)


# MARK: - Write

header = (
    f"// Generated by {SCRIPT} with tensorflow {versions['tensorflow']}, tf_keras {versions['tf_keras']},\n"
    f"// numpy {versions['numpy']}. Do not edit: change the script and run it again.\n\n"
    "extension KerasReference {\n"
)
text = header + "\n".join(sections) + "}\n"
if args.check:
    with open(OUTPUT, encoding="utf-8") as f:
        committed = f.read()
    # The header names the versions that ran; compare what follows it.
    same = committed.split("\n", 3)[3:] == text.split("\n", 3)[3:]
    print("up to date" if same else f"{os.path.relpath(OUTPUT, ROOT)} differs from what the script writes")
    sys.exit(0 if same else 1)
with open(OUTPUT, "w", encoding="utf-8") as f:
    f.write(text)
print("wrote", os.path.relpath(OUTPUT, ROOT))
