"""A draft: registered with its metadata and file, composed from structured text, found and
read back, shown as plain data."""
