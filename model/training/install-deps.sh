#!/usr/bin/env bash
# Debian packages the training pipeline and its tests need. Idempotent; run as root (or with sudo).
set -euo pipefail
packages=(python3-torch python3-onnx python3-numpy python3-sentencepiece sentencepiece python3-polib
          python3-matplotlib python3-pytest libopenblas0-pthread apt-file
          qttools5-dev-tools)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -q
  # --no-install-recommends keeps python3-torch's optional stack (~1 GB) out.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
