"""The names of the fields a prepared notice carries (none a prefix of another: pyHanko#633).

Kept apart from :mod:`signing.prepare` so that reading a field's value does not import the
preparation's fonts and layout.
"""

__all__ = ["DATE_FIELD", "NUMBER_FIELD", "ORGANISATION_FIELD", "SIGNER_FIELD"]

NUMBER_FIELD = "so_ky_hieu"
DATE_FIELD = "ngay_ban_hanh"
SIGNER_FIELD = "chu_ky_lanh_dao"
ORGANISATION_FIELD = "chu_ky_co_quan"
