"""REFI-QDA interchange: export .qdpx projects and .qdc codebooks, import human coding from them.

Public surface::

    export_qdpx(corpus, codebook, segments, path)   # ksmcode coding -> .qdpx
    export_qdc(codebook, path)                      # codebook -> .qdc
    export_run_qdpx(out_dir, path)                  # output folder of `ksmcode code` -> .qdpx
    codebook_from_qdc(path) / write_codebook_skeleton(skeleton, path)
    read_qdpx(path) -> QdpxProject                  # any vendor's .qdpx, offsets in code points
    qdpx_to_coding(project, corpus_or_units)        # -> human-coding long format
"""

from ksmcode.refiqda.export_codebook import export_qdc
from ksmcode.refiqda.export_project import export_qdpx
from ksmcode.refiqda.from_run import export_run_qdpx
from ksmcode.refiqda.read_project import QdpxCode, QdpxProject, QdpxSource, QdpxUser, read_qdpx
from ksmcode.refiqda.skeleton import codebook_from_qdc, write_codebook_skeleton
from ksmcode.refiqda.to_coding import qdpx_to_coding

__all__ = [
    "QdpxCode",
    "QdpxProject",
    "QdpxSource",
    "QdpxUser",
    "codebook_from_qdc",
    "export_qdc",
    "export_qdpx",
    "export_run_qdpx",
    "qdpx_to_coding",
    "read_qdpx",
    "write_codebook_skeleton",
]
