"""One function per user-facing study; the command line and the Python API both call these."""
