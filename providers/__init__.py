"""Pulumi dynamic providers for Huawei Cloud Message & SMS (MSGSMS)."""
