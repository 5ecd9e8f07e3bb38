"""Login security: lockout, password policy, second factor, session rules.

How each requirement is met: docs/security.md.
"""
