#!/usr/bin/env bash
# Installs the system packages TensorGraph needs, only those missing:
# OpenBLAS (cblas.h, libopenblas), pkg-config, zlib (gzip'd datasets),
# Fashion-MNIST (the seed programs' data) and Graphviz (tg dot).
# Idempotent: does nothing (and needs no network) when all are present.
set -euo pipefail
packages=(libopenblas-dev pkg-config zlib1g-dev dataset-fashion-mnist graphviz)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
