"""The policy texts the program ships (resources/policy) and the clauses decisions cite. No Qt, no database.

    documents()                      -> the shipped texts: key, number, title, issuer, in-force date, note
    load(document(key))              -> PolicyText: .text (paragraphs, one a line) and .clauses (label, title, span)
    clause_text("xinyang", "第九条（三）")
    resolve("淮医保发〔2022〕28号 二（一）、三（一）") -> [Reference(document, clause, text), …]
        a law or decision the program does not ship gives one Reference with shipped False and `outside` set;
        a citation naming no known document, or a clause its text lacks, raises CitationError.
    quote(citation, max_chars)       -> a short quote of the first clause named ("" when not shipped)
"""

from .catalogue import DOCUMENTS, OUTSIDE, Document, Outside, document, documents
from .citations import CitationError, Reference, clause_text, quote, resolve
from .clauses import Clause, ClauseNotFound, DocumentMissing, PolicyText, load

__all__ = ["DOCUMENTS", "OUTSIDE", "CitationError", "Clause", "ClauseNotFound", "Document", "DocumentMissing",
           "Outside", "PolicyText", "Reference", "clause_text", "document", "documents", "load", "quote",
           "resolve"]
