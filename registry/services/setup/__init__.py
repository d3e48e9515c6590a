"""The instance's wiring: reference data, trust store, demo PKI and timestamping, fonts,
signing keys and the signing tools built from them."""
