"""Porting support: the one Twisted -> twistlike mapping table and the tools built on it."""
