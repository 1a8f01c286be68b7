#!/usr/bin/env bash
# Idempotent set-up for a fresh clone: Python 3.10 virtualenv with the locked packages, npm
# packages, and (with --with-browser) Debian's Chromium for the browser tests.
# Each step is skipped when what it installs is already up to date.
set -euo pipefail
cd "$(dirname "$0")/.."

with_browser=0
for arg in "$@"; do
  case "$arg" in
    --with-browser) with_browser=1 ;;
    *) echo "usage: $0 [--with-browser]" >&2; exit 2 ;;
  esac
done

find_python310() {
  local candidate
  for candidate in "${PYTHON310:-}" "$(command -v python3.10 || true)" \
      "$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")"/versions/3.10*/bin/python3.10; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] \
        && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  return 1
}

if ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
  if ! python310=$(find_python310); then
    echo "Erreur : Python 3.10 est introuvable (Rasa 3.6 ne fonctionne pas avec 3.11)." >&2
    echo "Installez-le (par exemple 'pyenv install 3.10') ou indiquez son chemin dans PYTHON310." >&2
    exit 1
  fi
  echo "Création de .venv avec $python310"
  rm -rf .venv
  "$python310" -m venv .venv
fi

if ! cmp -s requirements/lock.txt .venv/.installed-lock; then
  echo "Installation des paquets Python (requirements/lock.txt)…"
  .venv/bin/python -m pip install --quiet --upgrade "pip==26.3" "setuptools==70.3.0" "wheel==0.45.1"
  # The lock is complete and consistent: --no-deps keeps pip's resolver from undoing the
  # deliberate pydantic 2 / Rasa 3.6 combination (Rasa never imports pydantic).
  .venv/bin/python -m pip install --quiet --no-deps -r requirements/lock.txt
  cp requirements/lock.txt .venv/.installed-lock
fi

if [ -f package-lock.json ] && ! cmp -s package-lock.json node_modules/.installed-lock 2>/dev/null; then
  echo "Installation des paquets npm…"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.installed-lock
fi

if [ "$with_browser" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  echo "Installation de Chromium (paquets Debian) pour les tests navigateur…"
  sudo_cmd=""
  if [ "$(id -u)" != 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium chromium-driver >/dev/null
fi
