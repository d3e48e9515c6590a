"""PKI for sovanban: demo CA, trust store, timestamp/OCSP/CRL services. Imports only basics."""

import warnings

# cryptography warns when a name attribute is over 64 UTF-8 bytes; RFC 5280 bounds it in
# characters, and real Vietnamese organisation names ("Đảng ủy Khối các cơ quan …") exceed
# 64 bytes within the bound. Every certificate we parse would warn: silence this one.
warnings.filterwarnings("ignore", message="Attribute's length must be", category=UserWarning)
