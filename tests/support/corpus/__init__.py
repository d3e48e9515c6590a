"""A corpus of PDFs signed by tools we did not write, each with the verdict it must get and why."""

from .build import Corpus, build_corpus
from .cases import CASES, Case, case_named
from .toolbox import CorpusError

__all__ = ["CASES", "Case", "Corpus", "CorpusError", "build_corpus", "case_named"]
