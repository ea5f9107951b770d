"""RuleViolation: a change that a rule does not allow (the purchasing model, a form, an account)."""

from __future__ import annotations


class RuleViolation(ValueError):
    """A change the rules do not allow; the message is in Dutch, for the person who made it.

    `field` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
