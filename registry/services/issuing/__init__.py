"""From a registered draft to an issued, archived document: prepare, sign, issue, B-LTA,
signing elsewhere (hand-offs), withdrawal."""
