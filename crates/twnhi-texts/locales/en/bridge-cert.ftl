# The local card component (twnhi-bridge): the certificate card requests of the JSON protocol
# (`certificates`, `sign`). Arguments are documented in zh-TW/bridge-cert.ftl.

bridge-cert-module-not-found = PKCS#11 module not found: { $path } (install the HiCOS card component, or give the module to the bridge with --pkcs11-module)
bridge-request-bad-serial = serial must be a certificate's serial number in hex
bridge-request-bad-data = data must be 1 to 1024 bytes in hex
bridge-request-bad-scheme = scheme must be pkcs1-sha256, pss-sha256 or ecdsa-p256-sha256
bridge-request-bad-pin = pin must be the certificate card's PIN (a string of at most 64 characters)
