"""What every layer uses and nothing of ours is needed for: NFC text and Vietnam time as
documents show them (text), files written so that a crash never leaves half of one (files)."""
