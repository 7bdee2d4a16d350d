"""Scripts for people who prepare or maintain installations (not installed with the package)."""
