"""ksmcode: transparent automatic coding of qualitative transcripts."""

__version__ = "0.1.0"
