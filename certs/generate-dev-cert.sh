#!/usr/bin/env bash
# Makes a self-signed development certificate for localhost, 127.0.0.1 and ::1 with openssl, where the shipped
# configuration looks for it (certs/dev-cert.pem + certs/dev-key.pem). The server does the same by itself at first
# start when actorwss.tls.dev-certificate = on; this is for those who prefer to make it themselves.
#   usage: certs/generate-dev-cert.sh [output-folder]   (default: the folder of this script)
set -euo pipefail
out=${1:-$(cd "$(dirname "$0")" && pwd)}
mkdir -p "$out"
umask 077
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -sha256 -days 365 \
  -subj "/CN=localhost/O=ActorWss development" \
  -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
  -addext "basicConstraints=critical,CA:FALSE" \
  -addext "keyUsage=critical,digitalSignature" \
  -addext "extendedKeyUsage=serverAuth" \
  -keyout "$out/dev-key.pem" -out "$out/dev-cert.pem" 2>/dev/null
chmod 644 "$out/dev-cert.pem"
echo "wrote $out/dev-cert.pem and $out/dev-key.pem (key readable by its owner only)"
openssl x509 -in "$out/dev-cert.pem" -noout -fingerprint -sha256
