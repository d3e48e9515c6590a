"""People: the signers the register names, the web accounts, who may see which document."""
