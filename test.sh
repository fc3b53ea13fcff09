#!/usr/bin/env bash
# Runs the whole test suite. Installs the Debian tools the interop tests drive
# (real clients nobody here wrote) when they are missing; needs root for that.
set -euo pipefail
cd "$(dirname "$0")"

# command -> Debian package
declare -A tools=(
  [swaks]=swaks
  [curl]=curl
  [python3]=python3
  [fetchmail]=fetchmail
  [dovecot]=dovecot-imapd
  [mbsync]=isync
  [mutt]=mutt
  [script]=bsdutils
  [node]=nodejs
  [npm]=npm
  [dnsmasq]=dnsmasq-base
  [postfix]=postfix
)
missing=()
for tool in "${!tools[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${tools[$tool]}")
done

if ((${#missing[@]})); then
  if [ "$(id -u)" -eq 0 ]; then
    echo "installing test tools: ${missing[*]}"
    apt-get update -qq
    # Postfix asks a debconf question on install: no configuration (tests run private instances).
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "missing test tools: ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

# Dovecot (used as the reference IMAP server in tests) refuses uid 0 for mail: tests run it as 'vmail'.
if ! id vmail >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    useradd --system --no-create-home --shell /usr/sbin/nologin vmail
  else
    echo "missing user 'vmail' for the Dovecot tests; run as root or: sudo useradd --system vmail" >&2
    exit 1
  fi
fi

# Node clients (imapflow) for the interop tests, from the npm registry.
if [ ! -d tests/MailKitServer.Interop.Tests/node/node_modules/imapflow ]; then
  (cd tests/MailKitServer.Interop.Tests/node && npm install --no-audit --no-fund --silent)
fi

exec dotnet test MailKitServer.sln "$@"
