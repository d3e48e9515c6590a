"""PKI for sovanban: demo CA, trust store, timestamp/OCSP/CRL services. Imports nothing of ours."""
