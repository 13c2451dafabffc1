"""NoticeError: a notice that cannot be printed, reported like the rule module's RuleError."""

class NoticeError(Exception):
    """code: not_applicable | invalid_input | missing_glyph; message: a Chinese sentence for the clerk."""

    def __init__(self, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def to_json(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "field": self.field}}
