"""Khmer letters in Latin, for comparing names across scripts (ICU has no Khmer-Latin rule).

Source: the UNGEGN romanization of Khmer (BGN/PCGN 1972 system), as tabulated in the UNGEGN
Working Group on Romanization Systems' report and the Wikipedia article "Romanization of
Khmer". Simplified for matching, not for display: consonants take their UNGEGN value (both
registers alike), dependent and independent vowels their first-series value, a subscript
(after the coeng sign ្) is written like the consonant itself, a consonant under the
toandakhiat ៍ is silent, and diacritics that change only the register or length are dropped.
No inherent vowel is added.
"""

from __future__ import annotations

from functools import lru_cache

_CONSONANTS = {
    "ក": "k", "ខ": "kh", "គ": "k", "ឃ": "kh", "ង": "ng",
    "ច": "ch", "ឆ": "chh", "ជ": "ch", "ឈ": "chh", "ញ": "nh",
    "ដ": "d", "ឋ": "th", "ឌ": "d", "ឍ": "th", "ណ": "n",
    "ត": "t", "ថ": "th", "ទ": "t", "ធ": "th", "ន": "n",
    "ប": "b", "ផ": "ph", "ព": "p", "ភ": "ph", "ម": "m",
    "យ": "y", "រ": "r", "ល": "l", "វ": "v", "ឝ": "sh", "ឞ": "ss",
    "ស": "s", "ហ": "h", "ឡ": "l", "អ": "",
}  # fmt: skip
_INDEPENDENT_VOWELS = {
    "ឣ": "a", "ឤ": "aa", "ឥ": "e", "ឦ": "ei", "ឧ": "o", "ឨ": "ou", "ឩ": "ou", "ឪ": "ov",
    "ឫ": "rueu", "ឬ": "rueu", "ឭ": "lueu", "ឮ": "lueu", "ឯ": "ae", "ឰ": "ai", "ឱ": "ao",
    "ឲ": "ao", "ឳ": "au",
}  # fmt: skip
_DEPENDENT_VOWELS = {
    "ា": "a", "ិ": "e", "ី": "ei", "ឹ": "oe", "ឺ": "eu", "ុ": "o", "ូ": "ou", "ួ": "uo",
    "ើ": "aeu", "ឿ": "oea", "ៀ": "ie", "េ": "e", "ែ": "ae", "ៃ": "ai", "ោ": "ao", "ៅ": "au",
    "ំ": "m", "ះ": "h", "ៈ": "a", "៌": "r",
}  # fmt: skip
_SILENT = set("់៉៊៎៏័៑\u200b\u200c\u200d")  # register, length and other signs; zero-widths
_COENG = "្"
_TOANDAKHIAT = "៍"  # the consonant it sits on is not pronounced

TABLE: dict[str, str] = {**_CONSONANTS, **_INDEPENDENT_VOWELS, **_DEPENDENT_VOWELS}
TABLE.update({chr(0x17E0 + d): str(d) for d in range(10)})  # Khmer digits


@lru_cache(maxsize=65536)
def khmer_to_latin(text: str) -> str:
    """Khmer text in Latin letters (other characters are kept as they are)."""
    out: list[str] = []
    for ch in text:
        if ch == _TOANDAKHIAT:
            if out:
                out.pop()
            continue
        if ch == _COENG or ch in _SILENT:
            continue
        out.append(TABLE.get(ch, ch))
    return "".join(out)
