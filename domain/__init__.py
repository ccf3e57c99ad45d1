"""The enforcement case domain: aggregate, value types, rules, agency directory.

Imports nothing but the standard library and ``eventsourcing.domain``.
"""
