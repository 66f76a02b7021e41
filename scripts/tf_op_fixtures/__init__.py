"""TensorFlow 2.21's own outputs and gradients, one module per op family.

Each family module defines ``cases()``, a list of ``common.Case``;
``scripts/make-op-fixtures.py`` runs them through ``tf.raw_ops`` and writes
``Tests/TensorGraphTests/Fixtures/ops/<family>.safetensors``.
"""
