"""Thai-first text handling: segmentation, romanization and the search text both engines index.

Thai is written without spaces between words, and neither engine's full-text index segments it.
So we segment once, here, with PyThaiNLP, and store the tokens space-separated in
``search_text``; each engine indexes that with Lucene's whitespace analyzer, so both see the
same tokens and answer the same queries the same way.

What goes into ``search_text`` for a name:

* its words (PyThaiNLP ``newmm``), lower-cased;
* the name written without spaces, and every suffix of it that starts at a Thai character
  cluster boundary, so that a prefix query finds any part of a name ("จนบุรี" in "กาญจนบุรี");
* romanized forms of each Thai word and of the whole name (RTGS read syllable by syllable,
  and PyThaiNLP's ``royin`` over each whole word: ``graph.romanization``), so a Latin query
  finds Thai-only names;
* English names, codes and aliases (short and long forms of a province group's name);
* skeletons (``skeleton``: the consonants people rarely get wrong), marked ``§``; each
  skeleton of 4 to 10 letters with one letter left out, marked ``¤``; a longer one written
  backwards, marked ``¦``; in people's index, a whole name's of several parts marked ``¶``
  (with a letter left out ``¬``) apart from its parts' own: a typo (a letter dropped, added,
  changed or two swapped) is then found by exact and prefix index terms, never by the index's
  fuzzy terms, which the embedded engine answers by scanning every term (hundreds of
  milliseconds over the areas' index).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from graph import romanization

_LATIN_WORD = re.compile(r"[a-z0-9]+")
_THAI = re.compile(r"[\u0E00-\u0E7F]")
_PUNCT = re.compile(r"[\s\"'`()\[\]{}<>.,;:!?/\\|+\-*~^&=@#$%]+")
# Lucene query syntax characters that must be escaped inside a term.
_LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/&|])')
_WILDCARD = re.compile(r"[*?]")

# Words that people add or leave out of the same name; tolerated, never required.
# "กลางตอนล่าง 1" and "กลางล่าง 1" name the same province group.
OPTIONAL_WORDS = frozenset(
    {"กลุ่ม", "จังหวัด", "ตอน", "ภาค", "อำเภอ", "ตำบล", "เขต", "แขวง", "the", "of", "group"}
    # The same level words in English and in the RTGS transcriptions road signs use.
    | {"province", "changwat", "district", "amphoe", "amphur", "subdistrict"}
    | {"tambon", "khet", "khwaeng", "kwaeng"}
    # Honorifics a person's name is often typed with; names are stored without them.
    | {"นาย", "นาง", "นางสาว", "คุณ", "mr", "mrs", "ms", "khun"}
)
# Words so common in organizations' names (what the group is, บ้าน + the village's name, the
# kind) that the index reads most of its organizations to check them: in the national
# network at scale 0.1, ชุมชน, community, บ้าน, ban, หมู่, ที่, village and no are each in 69-83 %
# of organizations' names, and a text that asks for them too took 35-55 ms against 4-16 ms
# for its other words alone. A text with at least ``MIN_RARE_WORDS`` other words asks the
# index for those only; the common ones are checked on the candidates (``graph.queries.search``)
# and in the ranking (``graph.search``). One other word is enough: a place's name "Ban Lueam"
# (บ้านเหลื่อม) asked organizations' index for +ban +lueam, most of its postings read for ban,
# 0.1-0.23 s at national scale; +lueam alone, a few milliseconds.
COMMON_WORDS = frozenset(
    {"ชุมชน", "บ้าน", "หมู่", "ที่", "หมู่ที่", "community", "ban", "village", "no", "moo"}
    | {"ออมทรัพย์", "สวัสดิการ", "กองทุน", "เครือข่าย", "สภา", "องค์กร", "เพื่อ", "การผลิต"}
    | {"savings", "welfare", "fund", "network", "council", "organization", "for", "production"}
    # The Thai ones romanized, as the index holds them (graph.romanization.romanizations; a
    # test keeps the two lists together) and as people type them.
    | {"chumchon", "chumtn", "muthi", "mu", "thi", "omsap", "omtrap", "sawatdikan", "swatdikan"}
    | {"kongthun", "kheruekhai", "khruakhai", "sapha", "ongkon", "ngakon", "phuea", "kanphlit"}
    | {"kanplit", "kanphalit"}
)
MIN_RARE_WORDS = 1
# Words that make a text an organization's name: no person's name holds one (a Thai name's
# romanization never does; a Thai surname may hold ชุมชน, สภา or ทุน, so only the Thai words
# of what a group is and does are in this list, as the segmenter keeps them whole). A search
# over several labels does not ask people's index for such a text (graph.search): at national
# scale its place syllables (bang, thong, huai; ทุ่ง, ทอง) are in tens of thousands of people's
# names, and that branch was most of a search of 0.4-0.6 s (English) or 0.1-0.25 s (Thai).
ORGANIZATION_WORDS = frozenset(
    {"community", "village", "savings", "welfare", "fund", "network", "council", "organization"}
    | {"cooperative", "association", "foundation", "committee", "municipality", "federation"}
    | {"ออมทรัพย์", "สวัสดิการ", "องค์กร", "องค์การ", "การบริหาร", "เครือข่าย", "การผลิต"}
    | {"สหกรณ์", "มูลนิธิ", "สมาคม", "เทศบาล", "วิสาหกิจ"}
)
# Abbreviated level words, as on an address: จ.กาญจนบุรี, อ. ท่าม่วง, ต.บ้านใต้.
_ABBREVIATION = re.compile(r"(?:(?<=\s)|^)(จ|อ|ต)\.\s*")
_ABBREVIATED = {"จ": "จังหวัด", "อ": "อำเภอ", "ต": "ตำบล"}
SKELETON_MARK = "§"  # index terms that are a name's skeleton, apart from its words
TYPO_MARK = "¤"  # index terms that are a skeleton with one letter left out (``typo_terms``)
REVERSED_MARK = "¦"  # a long skeleton written backwards (``typo_terms``)
# People's index only: the skeleton of a whole name of several words (a given name and a family
# name), and that skeleton with one letter left out, are marked apart from the words' own. A
# two-part name asked with a slip is asked for by its whole skeleton with one edit, and with
# one mark for both, "Phairo Satihong" (prstn) asked for §prst, the skeleton of every Prasoet's
# given name: 85,546 people at national scale, read whole, 0.1-0.2 s of such a search on the
# embedded engine. Marked apart, one edit of a whole name's skeleton is another whole name's.
WHOLE_MARK = "¶"
WHOLE_TYPO_MARK = "¬"
MIN_SKELETON = 3
FUZZY_SKELETON = 4  # a skeleton this long may match with one edit
# ... when it is the skeleton of one typed word; of several, one edit of a four-letter one
# leaves three letters that too many names share (lucene_query).
FUZZY_SKELETON_OF_WORDS = 5
# ... but not in people's index for a text of more words than a name has (given name and
# family name): "Khlon Mae Lai" (a district's name with a slip) is klnml, and klnm, one edit
# from it, is the skeleton of 26,081 people's given names at national scale. Such a text's
# skeleton has no letter-left-out terms there; one of MAX_TYPO_SKELETON letters or more is
# still asked for by its halves (skeleton_clauses).
MAX_NAME_WORDS = 2
# ... and one longer than this by its halves (``skeleton_clauses``): a whole long name (an
# organization's) typed with a slip is rare, and its letter-left-out terms were most of what the
# typo terms added.
MAX_TYPO_SKELETON = 10
MIN_SUFFIX_CLUSTERS = 2
MIN_PREFIX = 3  # shorter search text is matched as whole terms only
MAX_SUFFIX_SOURCE = 40  # names longer than this are not suffix-indexed
MAX_FUZZY_WORDS = 3  # a text of more words has no slip allowed word by word (lucene_query)
MAX_LEFT_OUT_WORDS = 6  # ... but every word but one, up to this many words (each a conjunction)
MOST_ASKED = 4  # of a text's rare words, the longest this many are asked of the index
FUZZY_MIN_LENGTH = 5  # shorter Latin words are matched exactly or as a prefix, never fuzzily
FUZZY_MAX_LENGTH = 40  # nor are longer ones: not a name with a slip in it


@lru_cache(maxsize=200_000)
def normalize(text: str) -> str:
    """NFC, Thai normalization (PyThaiNLP), lower case, single spaces. Cached: a first load
    normalizes the same names several times over (words, suffixes, skeletons)."""
    text = unicodedata.normalize("NFC", text)
    if _THAI.search(text):
        from pythainlp.util import normalize as thai_normalize
        from pythainlp.util import thai_digit_to_arabic_digit

        text = thai_digit_to_arabic_digit(thai_normalize(text))
    else:
        # Without a Thai character PyThaiNLP's rules only drop zero-width characters, and
        # its thirty-odd regular expressions were most of a first load's time in Python.
        text = text.replace("\u200b", "").replace("\u200c", "")
    return " ".join(text.lower().split())


def expand_abbreviations(text: str) -> str:
    """จ.กาญจนบุรี → จังหวัดกาญจนบุรี: level abbreviations read as the words they stand for."""
    return _ABBREVIATION.sub(lambda m: _ABBREVIATED[m.group(1)], text)


_THAI_NOT_CONSONANT = re.compile(r"[^\u0E01-\u0E2E0-9]")
_LATIN_SOUNDS = (
    ("tch", "c"),
    ("ch", "c"),
    ("dh", "t"),
    ("th", "t"),
    ("ph", "p"),
    ("kh", "k"),
    ("bh", "p"),
    ("j", "c"),
    ("d", "t"),
    ("ng", "n"),
    ("v", "w"),
    ("q", "k"),
)
_VOWELS = re.compile(r"[aeiouh]")
_REPEATS = re.compile(r"(.)\1+")


@lru_cache(maxsize=200_000)
def skeleton(word: str) -> str:
    """What is left of a word when what people most often miss, swap or spell differently is
    taken out: for Thai, its consonants (vowels, tone marks and a doubled letter dropped:
    กาญจนบุรี → กญจนบร); for Latin, the consonants of its sound, with the RTGS digraphs and
    their common alternatives made one (Thiraphong, Teerapong, Theerapong → trpn)."""
    w = normalize(word)
    if has_thai(w):
        return _REPEATS.sub(r"\1", _THAI_NOT_CONSONANT.sub("", w))
    out = []
    for part in w.split():
        part = "".join(_LATIN_WORD.findall(part))
        for a, b in _LATIN_SOUNDS:
            part = part.replace(a, b)
        if part:
            out.append(part[0] + _VOWELS.sub("", part[1:]))
    return _REPEATS.sub(r"\1", "".join(out))


_ENDS_IN_CONSONANT = re.compile(r"[\u0E01-\u0E2E]$")


@lru_cache(maxsize=200_000)
def romanized_variants(ws: tuple[str, ...]) -> tuple[str, ...]:
    """Romanizations of a Thai name's words, space-separated: RTGS (``romanize``) as the
    words are, then with the linking vowel Thai spelling leaves unwritten after a word's last
    consonant (ธีร·พงศ์ is read ธี-ระ-พงศ์: royin gives "thinphong", people write
    "Thiraphong", "Teerapong"), one word at a time; then PyThaiNLP's ``royin`` over each whole
    word (``graph.romanization``)."""
    base = [romanize(w) for w in ws]
    out = [" ".join(base)]
    for i, w in enumerate(ws):
        if i < len(ws) - 1 and has_thai(w) and _ENDS_IN_CONSONANT.search(w):
            out.append(" ".join([*base[:i], romanize(w + "ะ"), *base[i + 1 :]]))
    out.append(" ".join(romanization.royin(w) for w in ws))
    return tuple(dict.fromkeys(v for v in out if v.strip()))


def typed_parts(text: str) -> list[str]:
    """The parts a name or a search text is written in, as spaces divide them (a given name
    and a family name; Thai words within a part are not parts), optional words left out: what
    decides, on both sides of people's index, whether its whole skeleton is a whole name's."""
    return [t for t in normalize(text).split() if t not in OPTIONAL_WORDS]


def skeleton_terms(name: str, *, whole_apart: bool = False) -> tuple[str, ...]:
    """The skeleton index terms of a name: of the whole name and of each word, in its own
    script and, for Thai, in the romanized one. With ``whole_apart`` (people), the whole
    name's, when it is written in several parts (a given name and a family name: Thai words
    within a part, as the segmenter finds them, are not parts), are marked ``WHOLE_MARK``."""
    norm = normalize(name)
    ws = [w for w in words(norm) if w not in OPTIONAL_WORDS]
    wholes = [" ".join(ws)]
    parts = list(ws)
    if has_thai(norm):
        wholes += romanized_variants(tuple(ws))
        parts += [r for w in ws for r in romanizations(w)]
    if whole_apart and len(typed_parts(norm)) >= 2:
        marked = [(WHOLE_MARK, f) for f in wholes] + [(SKELETON_MARK, f) for f in parts]
    else:
        marked = [(SKELETON_MARK, f) for f in [*wholes, *parts]]
    out = dict.fromkeys((mark, skeleton(f)) for mark, f in marked)
    return tuple(mark + k for mark, k in out if len(k) >= MIN_SKELETON)


def _deletions(word: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(word[:i] + word[i + 1 :] for i in range(len(word))))


def typo_terms(skeletons: Iterable[str]) -> tuple[str, ...]:
    """The index terms that let a skeleton be found with one edit by exact lookups alone (a
    symmetric deletion index): each skeleton of ``FUZZY_SKELETON`` to ``MAX_TYPO_SKELETON``
    letters with one letter left out, marked ``TYPO_MARK``; a longer one (an organization's
    whole name) written backwards, marked ``REVERSED_MARK``, for ``skeleton_clauses``'s two
    halves (a whole name's too: a word's skeleton is rarely so long). ``skeletons`` are marked
    (``SKELETON_MARK`` or ``WHOLE_MARK``, whose typo terms are ``WHOLE_TYPO_MARK``'s) or bare."""
    out: dict[str, None] = {}
    for marked in skeletons:
        typo = WHOLE_TYPO_MARK if marked.startswith(WHOLE_MARK) else TYPO_MARK
        sk = marked.removeprefix(SKELETON_MARK).removeprefix(WHOLE_MARK)
        if FUZZY_SKELETON <= len(sk) <= MAX_TYPO_SKELETON:
            out.update((typo + d, None) for d in _deletions(sk))
        if len(sk) >= MAX_TYPO_SKELETON:
            out[REVERSED_MARK + sk[::-1]] = None
    return tuple(out)


def skeleton_clauses(
    sk: str, fuzzy_from: int = FUZZY_SKELETON, *, whole: bool = False
) -> tuple[str, ...]:
    """Lucene clauses for the names whose skeleton is at most one edit from ``sk``, all of them
    exact or prefix terms (``typo_terms`` is the other half): ``sk`` itself, as a skeleton and
    with a letter left out of a longer one; itself with each letter left out, as a skeleton (a
    letter too many) and with a letter left out of one of its own length (a letter changed,
    two swapped); and for a long one, its first half as the start of a skeleton or its last
    half as the end: one edit leaves one of the two halves as it was. With ``whole``, of a
    whole name's skeleton in people's index (``WHOLE_MARK``)."""
    if len(sk) < MIN_SKELETON:
        return ()
    mark, typo = (WHOLE_MARK, WHOLE_TYPO_MARK) if whole else (SKELETON_MARK, TYPO_MARK)
    out = [mark + sk]
    if max(fuzzy_from, FUZZY_SKELETON) <= len(sk) <= MAX_TYPO_SKELETON:
        out.append(typo + sk)
        for d in _deletions(sk):
            out += [mark + d, typo + d]
    clauses = [lucene_term(t) for t in dict.fromkeys(out)]
    if len(sk) >= MAX_TYPO_SKELETON:
        half = max(FUZZY_SKELETON, (len(sk) - 1) // 2)
        clauses.append(lucene_term(mark + sk[:half]) + "*")
        clauses.append(lucene_term(REVERSED_MARK + sk[::-1][:half]) + "*")
    return tuple(clauses)


def has_thai(text: str) -> bool:
    return bool(_THAI.search(text))


@lru_cache(maxsize=200_000)
def words(text: str) -> tuple[str, ...]:
    """Segment into words: PyThaiNLP for Thai runs, plain splitting for the rest."""
    from pythainlp.tokenize import word_tokenize

    out: list[str] = []
    for chunk in _PUNCT.split(normalize(text)):
        if not chunk:
            continue
        if has_thai(chunk):
            out.extend(w for w in word_tokenize(chunk, engine="newmm", keep_whitespace=False) if w)
        else:
            out.extend(_LATIN_WORD.findall(chunk))
    return tuple(w for w in (w.strip() for w in out) if w and not _PUNCT.fullmatch(w))


def romanize(word: str) -> str:
    """RTGS romanization of a Thai word (``graph.romanization.rtgs``); Latin text passes
    through."""
    if not has_thai(word):
        return word
    return romanization.rtgs(word)


def romanizations(word: str) -> tuple[str, ...]:
    """Every romanization the index holds for a word: RTGS syllable by syllable, then
    PyThaiNLP's ``royin`` over the whole word where it differs."""
    if not has_thai(word):
        return (word,)
    return romanization.romanizations(word)


def romanize_name(name: str, *, by_word: bool = False) -> str:
    """A readable romanized form of a Thai name: each space-separated part as one word (a
    person's given name and surname: "Thinphong Phromphochuenbun"), or with ``by_word`` each
    word apart, as road signs write a place and an organization's name ("Sapha Ongkon Chumchon
    Tambon Nong Sawang")."""
    parts = []
    for chunk in name.split():
        romanized = [romanize(w) for w in words(chunk)]
        parts.extend(romanized if by_word else ["".join(romanized)])
    return " ".join(p.capitalize() for p in parts if p)


@lru_cache(maxsize=100_000)
def _cluster_suffixes(compact: str) -> tuple[str, ...]:
    from pythainlp.tokenize import subword_tokenize

    if len(compact) > MAX_SUFFIX_SOURCE:
        return ()
    clusters = subword_tokenize(compact, engine="tcc")
    return tuple("".join(clusters[i:]) for i in range(1, len(clusters) - MIN_SUFFIX_CLUSTERS + 1))


@lru_cache(maxsize=200_000)
def name_terms(name: str, *, whole_apart: bool = False) -> tuple[str, ...]:
    """Every index term for one written name; ``whole_apart``: see ``skeleton_terms``."""
    norm = normalize(name)
    terms: list[str] = []
    ws = words(norm)
    terms.extend(ws)
    compact = "".join(norm.split())
    terms.append(compact)
    if has_thai(compact):
        terms.extend(_cluster_suffixes(compact))
        terms.extend(r for w in ws for r in romanizations(w))
        terms.append("".join(romanize(w) for w in ws))
        terms.append("".join(romanization.royin(w) for w in ws))
    else:
        terms.append("".join(ws))
        # A hyphenated word is one word too: "Sub-committee" is found as "subcommittee",
        # "Phang-nga" as "phangnga".
        terms.extend("".join(_LATIN_WORD.findall(t)) for t in norm.split() if _PUNCT.search(t))
    skeletons = skeleton_terms(name, whole_apart=whole_apart)
    terms.extend(skeletons)
    terms.extend(typo_terms(skeletons))
    return tuple(t for t in terms if t)


def search_text(
    names: Iterable[str | None], codes: Iterable[str | None] = (), *, whole_apart: bool = False
) -> str:
    """The text stored in ``search_text``: unique terms, space-separated, in a stable order.
    ``whole_apart`` (people's): a whole name's skeletons marked apart (``skeleton_terms``)."""
    seen: dict[str, None] = {}
    for name in names:
        if name:
            for t in name_terms(name, whole_apart=whole_apart):
                seen.setdefault(_escape_space(t), None)
    for code in codes:
        if code:
            seen.setdefault(_escape_space(normalize(code)), None)
    return " ".join(seen)


def form_words(forms: Iterable[tuple[str, str | None]]) -> list[str]:
    """The words of each written form, stored beside ``search_text`` as ``"<form>\t<words>"``
    so that a search ranks its candidates without segmenting their names again (PyThaiNLP
    takes a good part of a millisecond per name, and a search may rank hundreds)."""
    return [f"{name}\t{' '.join(words(value))}" for name, value in forms if value]


def _escape_space(term: str) -> str:
    return term.replace(" ", "")


def lucene_term(term: str) -> str:
    return _LUCENE_SPECIAL.sub(r"\\\1", term)


def fuzzy_word(word: str) -> bool:
    """Whether a query word may match with one slip: Latin, 5 to 40 letters, not a number
    (a code one digit off is another place, not a typo)."""
    return (
        FUZZY_MIN_LENGTH <= len(word) <= FUZZY_MAX_LENGTH
        and not has_thai(word)
        and not word.isdigit()
    )


def required_words(query: str) -> list[str]:
    """The words of a search text that a match must have: its words without the optional
    ones (all of them when every word is optional)."""
    ws = [w for w in words(query) if w]
    return [w for w in ws if w not in OPTIONAL_WORDS] or ws


def rare_words(
    required: Sequence[str], most: int | None = None, *, person: bool = False
) -> tuple[list[str], list[str]]:
    """The words to ask the index for, and those left to be checked on the candidates: the
    common ones (``COMMON_WORDS``), unless fewer than ``MIN_RARE_WORDS`` others remain (then
    all are asked), and with ``most``, the shorter words beyond the ``most`` longest (a
    number, "hat", "ma" in "Ban Khao Thong community (Village No. 8), Bang Pla Ma": a
    conjunction of seven words took 0.2-0.8 s on the embedded engine at national scale, each
    term's posting list read whole). Checked on the candidates, a word is still required as
    typed by a first look (graph.queries.search): a number still tells กลางล่าง 1 from
    กลางล่าง 2, and village No. 5 from No. 8.

    With ``person``, numbers are common words too (no person's name has one, and each asked
    term is read whole even when another has no match at all: a number made people's query
    of an organization's name twice as slow), and ``most`` cuts Latin words only (a Thai name
    is asked for by the chunks typed, every word of them)."""
    common = [w for w in required if w in COMMON_WORDS or (person and w.isdigit())]
    rare = [w for w in required if w not in common]
    if not common or len(rare) < MIN_RARE_WORDS:
        rare, common = list(required), []
    cut = [i for i, w in enumerate(rare) if not (person and has_thai(w))]
    if most is not None and len(cut) > most:
        longest = set(range(len(rare))) - set(cut)
        longest |= set(sorted(cut, key=lambda i: (-len(rare[i]), i))[:most])
        common += [w for i, w in enumerate(rare) if i not in longest]
        rare = [w for i, w in enumerate(rare) if i in longest]
    return rare, common


def _trimmed(ws: list[str]) -> list[str]:
    """``ws`` without the optional words (honorifics, level words) at either end."""
    while ws and ws[0] in OPTIONAL_WORDS:
        ws.pop(0)
    while ws and ws[-1] in OPTIONAL_WORDS:
        ws.pop()
    return ws


def _typed_units(query: str, asked: Sequence[str]) -> list[tuple[str, str | None]]:
    """The units a text is asked for by chunk (``lucene_query``'s ``person``): each typed Thai
    chunk of two or more asked words, honorifics and level words at its ends left out, as one
    prefix term (``บุญเรือน*``), found through the name's compact term or its indexed suffixes;
    any other word as itself. Each unit: (its Lucene text, the word it is, or None for a chunk).
    """
    wanted = set(asked)
    units: list[tuple[str, str | None]] = []
    placed: set[str] = set()
    for chunk in _PUNCT.split(normalize(query)):
        ws = _trimmed(list(words(chunk))) if chunk else []
        joined = "".join(ws)
        if (
            len(ws) >= 2
            and len(joined) >= MIN_PREFIX
            and has_thai(joined)
            and all(w in wanted for w in ws)
        ):
            units.append((lucene_term(joined) + "*", None))
            placed.update(ws)
    for w in asked:
        if w not in placed:
            units.append((lucene_term(w), w))
            placed.add(w)
    return units


def _name_compact(query: str) -> str:
    """A person's name as typed, its words run together, without the honorifics and level
    words at its ends ("นาง บุญเรือน บัวแก้ว": บุญเรือนบัวแก้ว)."""
    ws = [w for chunk in _PUNCT.split(normalize(query)) if chunk for w in words(chunk)]
    return _WILDCARD.sub("", "".join(_trimmed(ws)))


def lucene_query(query: str, *, fuzzy: bool = True, person: bool = False) -> str | None:
    """A Lucene query for a user's search text: all words required, OR the whole text, spaces
    removed, as a prefix of any indexed term. None if nothing is searchable.

    With ``fuzzy``, a Latin word of five letters or more may also be any word whose skeleton
    is one edit from its own, and the whole text's skeleton is asked for too, as typed and with
    one edit (``skeleton_clauses``): all of it exact index terms, so a typo costs about what an
    exact search does on either engine.

    Only the whole text is a prefix, never a single word: Thai words are short, and a prefix
    of two or three letters expands to thousands of index terms (every name suffix that starts
    with it), which made a national-scale search take most of a second. The whole text still
    finds what is being typed ("สมชายใ" finds "สมชาย ใจดี") and any part of a name (through
    the indexed suffixes), and a prefix is only asked for once it is three letters long (two
    digits for a code).

    With ``person`` (people's index), a Thai name is asked for by its typed chunks, and a name
    of two parts (a given name and a family name) without ``fuzzy`` is asked for only as the
    parts run together, a prefix (one term, where each part is in thousands of names); with
    ``fuzzy``, by its parts in any order and the start of its whole skeleton in either order,
    not by each part's own skeleton."""
    required = required_words(query)
    if not required:
        return None
    # A person's Thai name is asked for by chunk instead (below): every word of it.
    asked = rare_words(required, MOST_ASKED, person=person)[0]
    clauses = []
    parts = []
    # A person's name (graph.search asks people's index so): a Thai name's words are its
    # syllables, many of them in tens of thousands of names at national scale (บุญ, ศรี,
    # แก้ว), and the engines read each one's whole posting list to intersect them; the chunks
    # as typed are far rarer. A Latin word may be spelt another way (its skeleton as it is),
    # but a slip is left to the whole name's skeleton (below): with one letter left out, a
    # first name's skeleton is shared by tens of thousands of people.
    units = _typed_units(query, asked) if person else [(lucene_term(w), w) for w in asked]
    word_slips = MAX_TYPO_SKELETON + 1 if person else FUZZY_SKELETON
    # A person's name as it is typed, a given name and a family name: its words run together
    # are the start of one index term of the person (the whole name, without spaces), and one
    # term is a few postings where each of its words is thousands ("ณรงค์ บัวแก้ว": the
    # conjunction 40-60 ms at national scale, the prefix 6-10). So a first look asks for
    # that prefix only; the words in another order ("บัวแก้ว ณรงค์"), apart, or spelt
    # another way are asked for by the second look, when the first found nothing: each part
    # as typed, and the start of the whole name's skeleton in either order (below), not each
    # part's own skeleton, which a common first name shares with tens of thousands of people
    # (Prasoet's §prst: 85,546 at national scale, read whole for each such search).
    name_compact = _name_compact(query) if person and 2 <= len(units) <= MAX_NAME_WORDS else ""
    name = len(name_compact) >= MIN_PREFIX
    # A slip in any word of a long text (an organization's whole name) would make the query a
    # hundred terms, most of them common words ("community", "village"): a long text is asked
    # for with every word but one instead (below).
    per_word = fuzzy and (len(units) if person else len(required)) <= MAX_FUZZY_WORDS
    # In a text of several words, a word's own skeleton with one edit only from five letters
    # (as the whole text's, below, which covers a slip in a shorter word): one edit of a
    # four-letter one is three letters, and some are in most names (Lamduan's lmtn asked
    # organizations' index for ¤mtn, in 107,280 of 129,531 at national scale: 0.1-0.2 s).
    own_slips = FUZZY_SKELETON_OF_WORDS if not person and len(units) > 1 else word_slips
    for term, w in units:
        alternatives = [term]
        if per_word and not name and w is not None and fuzzy_word(w):
            alternatives += skeleton_clauses(skeleton(w), own_slips)
        parts.append(
            f"+({' OR '.join(alternatives)})" if len(alternatives) > 1 else f"+{alternatives[0]}"
        )
    if name and not fuzzy:
        clauses.append(lucene_term(name_compact) + "*")
    else:
        clauses.append("(" + " ".join(parts) + ")")
    # Without wildcard characters: Lucene refuses a prefix query that starts with "*", even an
    # escaped one, unless leading wildcards are allowed (Neo4j allows them, ArcadeDB does not).
    compact = _WILDCARD.sub("", "".join(normalize(query).split()))
    if len(compact) >= MIN_PREFIX or (compact.isdigit() and len(compact) >= 2):
        # Codes are digits: "71" finds Kanchanaburi's districts (71xx) too, and cheaply.
        if lucene_term(compact) + "*" not in clauses:
            clauses.append(lucene_term(compact) + "*")
    elif compact:
        clauses.append(lucene_term(compact))
    if fuzzy and per_word:
        # The whole text's skeleton, for words run together or split apart. With one edit, a
        # short one of several typed words ("Ban Khuna": bnkn) leaves three letters that one
        # person in six shares at national scale; it is asked for as it is.
        whole = skeleton(" ".join(required))
        typed = typed_parts(query)
        if len(typed) <= 1:
            fuzzy_from = FUZZY_SKELETON
        elif person and len(typed) > MAX_NAME_WORDS:
            fuzzy_from = MAX_TYPO_SKELETON + 1  # longer than any with letter-left-out terms
        else:
            fuzzy_from = FUZZY_SKELETON_OF_WORDS
        # People's index holds the skeleton of a name of several parts apart from its words'
        # (WHOLE_MARK); a text of one part may be a whole name run together ("ณรงค์บัวแก้ว").
        if not person or len(typed) <= 1:
            clauses += skeleton_clauses(whole, fuzzy_from)
        if person and (len(typed) >= 2 or len(whole) >= FUZZY_SKELETON_OF_WORDS):
            clauses += skeleton_clauses(whole, fuzzy_from, whole=True)
        if name:
            # A name's two parts in either order, the second perhaps not typed to its end,
            # each spelt any way: the start of the whole name's skeleton ("Thiraphong Phrom",
            # "Phrom Thiraphong": §trpnprm*, of ธีรพงศ์ พร้อมพอชื่นบุญ's §trpnprmpcnbn).
            for order in (typed, typed[::-1]):
                sk = skeleton(" ".join(order))
                if len(sk) >= FUZZY_SKELETON_OF_WORDS:
                    clauses.append(lucene_term(WHOLE_MARK + sk) + "*")
    elif fuzzy:
        # A long text: every word but one, for each word in turn (the one with the slip is
        # then ranked by graph.search), and its skeleton as it is. A half of a long skeleton
        # (``skeleton_clauses``) would match every "... Community Welfare Fund". Of its rare
        # words only, when it has common ones, and of its MOST_ASKED longest words (the words
        # asked, ``rare_words``): each term of each conjunction is a posting list read whole on
        # the embedded engine, and a common word's or a number's is tens of thousands of
        # organizations at national scale (a text of six words took 0.7-1 s, of which the
        # index's calls were most). A person's name: its typed chunks.
        # What every word matches the first look found: only the conjunctions with one left out.
        # When common words are asked too (no other word: "Community Savings Group ..."), only
        # a rare word is left out, and never so that common words alone remain: "+community
        # +organization +council" is every council, thousands of organizations at national
        # scale, read whole and ordered by score (0.45 s), and each common word's posting list
        # is most of the index.
        clauses.remove("(" + " ".join(parts) + ")")
        # A rare word that cannot be left out so (the only one asked: "Phaiasn Subdistrict
        # Community Organization Council") is asked for with its slips instead, the common
        # words checked on the candidates.
        rare = [w is None or w not in COMMON_WORDS for _, w in units]
        if len(units) <= MAX_LEFT_OUT_WORDS:
            for i, (term, w) in enumerate(units):
                rest = [f"+{t}" for t, _ in units[:i] + units[i + 1 :]]
                if rest and (all(rare) or (rare[i] and any(rare[:i] + rare[i + 1 :]))):
                    clauses.append("(" + " ".join(rest) + ")")
                elif rare[i] and w is not None and fuzzy_word(w):
                    slips = " OR ".join([term, *skeleton_clauses(skeleton(w), word_slips)])
                    clauses.append("(" + " ".join([f"+({slips})", *rest]) + ")")
        sk = skeleton(" ".join(required))
        if len(sk) >= MIN_SKELETON:
            clauses.append(lucene_term((WHOLE_MARK if person else SKELETON_MARK) + sk))
    return " OR ".join(clauses)
