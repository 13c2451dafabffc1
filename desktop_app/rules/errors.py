"""The one way a case fails: a coded, Chinese-worded refusal naming the input at fault."""

CODES = ("invalid_input", "unknown_jurisdiction", "no_policy_in_force", "missing_parameter", "not_applicable")


class RuleError(Exception):
    def __init__(self, code: str, message: str, field: str | None = None):
        assert code in CODES, code
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def to_json(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "field": self.field}}


def invalid(field: str | None, message: str) -> RuleError:
    return RuleError("invalid_input", message, field)
