"""Words in messages and reports."""


def plural(n: int, noun: str) -> str:
    """ "1 document", "2 documents"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
