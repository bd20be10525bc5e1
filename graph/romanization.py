"""Thai words in Latin letters, the way road signs and people's own spellings write them.

PyThaiNLP's ``royin`` engine (the Royal Institute's RTGS rules, offline) reads a whole word as
one run of letters, and so misses what Thai spelling leaves unwritten: ชุมชน comes out as
"chumtn", ตำบล "tampn", สว่าง "swang", หอม "om" (a leading ห is always dropped), ใหญ่ "ain".
``rtgs`` reads a word syllable by syllable (PyThaiNLP's ``han_solo`` syllable tokenizer, whose
model ships with PyThaiNLP) and romanizes each syllable with ``royin``, with the few rules it
gets wrong put right:

* a syllable with no vowel in it has the one Thai leaves unwritten (ชน → chon, จ → cha);
* two consonants that are no RTGS cluster have an *a* between them (สว่าง → sawang, ตลาด →
  talat);
* a leading ห is silent before ง ญ น ม ย ร ล ว (ใหม่ → mai, เหนือ → nuea) and read *h* before
  any other letter (หอม → hom, หาด → hat);
* ทร, ศร and สร at the start of a syllable are read *s* (ไทร → sai, ศรี → si);
* a final จ ช ซ ด ศ ษ ส ... is read *t* (อำนาจ → amnat, โอกาส → okat);
* ร after a syllable's final consonant is silent (สมุทร → samut, เพชร → phet);
* ญ at the end of a syllable is read *n* (กาญ·จ·นา → kanchana), at its start *y* (ใหญ่ → yai);
* อ before a consonant with its own vowel sign is read *a* (อนุชา → anucha, อรุณ → arun).

Measured on geothai's 6,111 distinct Thai names with an English one (``kb bench
romanization``; bench/results/romanization.md): the romanized name equals the English one,
letters only, for 73.0 % with ``royin`` over the whole word and 86.2 % with ``rtgs``; search
stores both (``romanizations``): 88.4 %.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

_LATIN = re.compile(r"[a-z0-9]+")
_UNITS = re.compile(r"ng|kh|ph|th|ch|[bcdfghjklmnpqrstvwxyz]|[aeiou]+")
_VOWEL = re.compile(r"[aeiou]")
_MARKS = re.compile(r"[\u0E47-\u0E4E]")  # maitaikhu, tone marks, thanthakhat ...
_THAI = re.compile(r"[\u0E00-\u0E7F]")
_LEADING_VOWELS = "เแโใไ"
_T_FINALS = frozenset("จชซฌฎฏฐฑฒดตถทธศษส")  # read t at the end of a syllable
_SILENT = re.compile(r".[\u0E34\u0E38]?\u0E4C")  # a letter (and its vowel) under thanthakhat
_TONES = re.compile(r"[\u0E47-\u0E4B]")  # maitaikhu and the tone marks
_SONORANTS = "งญนมยรลว"  # a leading ห before these is silent (ห นำ)
_CONSONANT = re.compile(r"[\u0E01-\u0E2E]")
_UPPER_LOWER_VOWELS = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39"  # ั ิ ี ึ ื ุ ู
# The initial clusters RTGS writes (กร กล กว ขร ขล ขว คร คล คว ปร ปล พร พล ผล ตร บร บล ฟร ฟล ดร).
_CLUSTERS = frozenset(
    {("k", "r"), ("k", "l"), ("k", "w"), ("kh", "r"), ("kh", "l"), ("kh", "w"), ("p", "r")}
    | {("p", "l"), ("ph", "r"), ("ph", "l"), ("t", "r"), ("b", "r"), ("b", "l"), ("f", "r")}
    | {("f", "l"), ("d", "r")}
)


def _latin(text: str) -> str:
    return "".join(_LATIN.findall(text.lower()))


@lru_cache(maxsize=200_000)
def royin(text: str) -> str:
    """PyThaiNLP's ``royin`` over the whole text, Latin letters and digits only."""
    if not _THAI.search(text):
        return _latin(text)
    from pythainlp.transliterate import romanize

    return _latin(romanize(text, engine="royin"))


@lru_cache(maxsize=50_000)
def _syllable(s: str) -> str:
    th = s.replace("\u0e47", "")
    lead = th[0] if th[0] in _LEADING_VOWELS else ""
    body = th[len(lead) :]
    core = _MARKS.sub("", body).removeprefix("ห")
    if len(core) > 1 and core[-1] == "ญ":
        i = th.rindex("ญ")
        th = th[:i] + "น" + th[i + 1 :]
        body = th[len(lead) :]
    # ร after a final consonant is silent (สมุทร, เพชร, จักร); royin reads it as a final n.
    silent_r = (
        len(body) >= 3
        and body[-1] == "ร"
        and _CONSONANT.fullmatch(body[-2]) is not None
        and body[-2] not in "ยอว"  # part of a vowel: เ-ีย-ร, เ-ือ-ร, -ัว-ร
        and bool(lead or body[-3] in _UPPER_LOWER_VOWELS)
    )
    if (
        not lead
        and len(body) >= 3
        and body[0] == "อ"
        and _CONSONANT.fullmatch(body[1])
        and body[2] in _UPPER_LOWER_VOWELS
    ):
        return "a" + _syllable(body[1:])
    h = False
    if body[:1] == "ห" and len(body) > 1:
        if body[1] in _SONORANTS:
            body = body[1:]
        else:
            h = True
    elif body[:2] in ("ทร", "ศร", "สร") and (len(body) > 2 or lead):
        body = ("ซ" if body[0] == "ท" else "ส") + body[2:]
    r = royin(lead + body)
    if silent_r and r.endswith("n") and len(r) > 2:
        r = r[:-1]
    if h and not r.startswith("h"):
        r = "h" + r
    spoken = _SILENT.sub("", _TONES.sub("", lead + body))
    if len(spoken) > 1 and spoken[-1] in _T_FINALS:
        # A final จ ช ซ ด ต ท ส ศ ษ ... is read t; royin leaves some as written (อำนาจ "amnach").
        for ending in ("ch", "th", "s", "d"):
            if r.endswith(ending) and len(r) > len(ending) + 1:
                r = r[: -len(ending)] + "t"
                break
    if not r:
        return r
    units = _UNITS.findall(r)
    if not _VOWEL.search(r):
        return r + "a" if len(units) == 1 else units[0] + "o" + "".join(units[1:])
    if (
        len(units) >= 3
        and not _VOWEL.match(units[0])
        and not _VOWEL.match(units[1])
        and (units[0], units[1]) not in _CLUSTERS
    ):
        return units[0] + "a" + "".join(units[1:])
    return r


# PyThaiNLP's han_solo holds one CRF tagger (one pycrfsuite C object) for the process, and
# publishes it before its model is opened: a second thread that asks for syllables meanwhile
# gets "The tagger is not opened" (the server's start-up thread warms PyThaiNLP up while the
# first request may romanize a name). One caller at a time, then.
_HAN_SOLO = threading.Lock()


def syllables(word: str) -> list[str]:
    """A Thai word's syllables (PyThaiNLP's han_solo), safe to call from any thread."""
    from pythainlp.tokenize import syllable_tokenize

    with _HAN_SOLO:
        return syllable_tokenize("".join(word.split()), engine="han_solo")


@lru_cache(maxsize=200_000)
def rtgs(word: str) -> str:
    """A Thai word in RTGS, syllable by syllable (see the module's doc); Latin letters and
    digits pass through, lower-cased."""
    if not _THAI.search(word):
        return _latin(word)
    parts = syllables(word)
    return "".join(_syllable(s) if _THAI.search(s) else _latin(s) for s in parts if s)


def romanizations(word: str) -> tuple[str, ...]:
    """Every romanization search stores for a word: ``rtgs`` first, then ``royin`` over the
    whole word when it differs (it is the spelling some older signs and lists use: ศรี as
    "sri")."""
    return tuple(dict.fromkeys(r for r in (rtgs(word), royin(word)) if r))
