"""PKI for sovanban: demo CA, trust store, timestamp/OCSP/CRL services. Imports only basics."""

import warnings

from .name_prep import install as _install_name_prep

# cryptography warns when a name attribute is over 64 UTF-8 bytes; RFC 5280 bounds it in
# characters, and real Vietnamese organisation names ("Đảng ủy Khối các cơ quan …") exceed
# 64 bytes within the bound. Every certificate we parse would warn: silence this one.
warnings.filterwarnings("ignore", message="Attribute's length must be", category=UserWarning)

# cryptography 51 deprecates DSA, and pyHanko imports its DSA key class at import time: the
# warning is about pyHanko's imports, not a key of ours (we make and accept no DSA keys), and
# would otherwise print on every command's stderr.
warnings.filterwarnings("ignore", message="DSA is deprecated", category=UserWarning)

# Before any certificate is compared: names' values prepared once per string, not per parse.
_install_name_prep()
