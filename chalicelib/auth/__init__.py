"""Credentials and accounts: tokens and sessions, passwords, login, and the administrator's operations."""
