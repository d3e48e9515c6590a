"""Sending issued documents as edXML packages (QCVN 102:2016), recalls, statuses read back."""
