#!/usr/bin/env bash
# Runs the whole test suite. Installs the Debian packages the interop tests need (real clients and servers nobody
# here wrote) when any is missing, in one apt call; needs root for that.
set -euo pipefail
cd "$(dirname "$0")"

# Every Debian package a test needs, by package rather than by command: they are installed with
# --no-install-recommends, so what a tool only recommends (or suggests) but a test needs is named here too.
packages=(
  swaks                 # SMTP client (SwaksAndCurlTests, host tests)
  libnet-ssleay-perl    #   swaks --tls / --tlsc (only recommended by swaks)
  libdigest-hmac-perl   #   swaks --auth CRAM-MD5 (Digest::HMAC_MD5; not even recommended)
  curl                  # SMTP, IMAP and POP3 client
  python3               # smtplib, imaplib, poplib, ssl, email (the standard library)
  fetchmail             # IMAP and POP3 client
  isync                 # mbsync
  mutt                  # IMAP client, driven through script(1)
  bsdutils              # script(1), the pseudo-terminal for mutt
  procps                # kill(1), to stop Dovecot by PID
  dovecot-imapd         # the reference IMAP server (Maildir interop, MIME comparison)
  dnsmasq-base          # DNS with MX records for the outbound tests
  postfix               # a remote MTA and a relay into us
  sieve-connect         # ManageSieve client (ManageSieveClientTests); its Depends bring the Perl TLS and SASL modules
  dovecot-sieve         # Pigeonhole: Dovecot's LDA runs the scripts our Maildir script store keeps (PigeonholeInteropTests)
  postgresql            # PostgreSQL 15 (initdb, pg_ctl, psql): the PostgreSQL store's tests start their own server
  python3-spf           # pyspf: the independent SPF implementation our SPF is compared with (needs python3-dnspython)
  python3-dnspython     #   pyspf's and dkimpy's DNS (a dependency; named because the tests import dns.resolver)
  python3-dkim          # dkimpy: signs test mail (dkimsign) and verifies ours (dkimverify); brings python3-nacl (Ed25519)
  python3-authres       # an independent RFC 8601 parser of the Authentication-Results fields we write
  unbound               # a validating resolver: DANE tests read the AD bit of a DNSSEC-signed test zone
  ldnsutils             #   ldns-keygen and ldns-signzone sign that zone
  python3-milter        # a real milter (libmilter underneath) for the milter client's tests
  rspamd                # the spam filter behind the milter tests (proxy worker in milter mode, controller for learning)
  redis-server          #   rspamd's Bayes statistics for the learning test (only recommended by rspamd)
  publicsuffix          # the Public Suffix List (/usr/share/publicsuffix) for DMARC organizational domains
  chromium              # the real browser of the web inbox tests (Microsoft.Playwright drives /usr/bin/chromium)
  python3-prometheus-client # Prometheus's own text-format parser reads our /metrics
)
missing=()
for package in "${packages[@]}"; do
  [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" = "install ok installed" ] || missing+=("$package")
done
# Node.js may come from elsewhere than Debian (a fresh machine has NodeSource's build): check the commands.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if ((${#missing[@]})); then
  if [ "$(id -u)" -eq 0 ]; then
    echo "installing test packages: ${missing[*]}"
    apt-get update -qq
    # Postfix asks a debconf question on install: no configuration (tests run private instances).
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "missing test packages: ${missing[*]}; run as root or: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
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
