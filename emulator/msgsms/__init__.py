"""The MSGSMS management API: apps, signature files, signatures and templates."""
