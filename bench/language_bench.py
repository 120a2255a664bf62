"""The Vietnamese text rule's cost per comment, beside a baseline measured in the same run.

The texts are the labelled set of the feedback tests (questions, comments, replies,
English, addresses...), repeated. The check is what the feedback service runs on each
text: ``require_vietnamese`` (NFC, classifier) plus ``check_profanity``. The baseline is
the least any handling of a comment costs: ``unicodedata.normalize("NFC", text)`` and a
``str.split()``. Median of interleaved repeats, in CPU time of this process (the machine
is shared: waiting for a core is not the check's cost); a few seconds in all.

The language figures also say how well the rule sorts: precision and recall of refusal (of
the texts refused, the share that are Vietnamese typed without marks; of those, the share
refused) on the hand-written labelled set and on the outside set the rule is not tuned on
(services/feedback/tests/unit/data/diacritics_outside.tsv: laws, place names, English, with
4–8-word fragments and abbreviation-heavy lines), and the cost per text on the outside set.

``python bench/language_bench.py``; ``measure()`` is called by ``feedback_bench``.
"""

import statistics
import time
import unicodedata
from pathlib import Path

from feedback.language import check_profanity, looks_unaccented_vietnamese, require_vietnamese
from platform_shared.errors import InvalidInput

DATA = Path(__file__).resolve().parent.parent / "services/feedback/tests/unit/data"
LABELLED = DATA / "diacritics_labelled.tsv"
OUTSIDE = DATA / "diacritics_outside.tsv"


def load_rows(path=LABELLED):
    """(label, text) of a labelled set."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t", 1)) for line in lines if line and not line.startswith("#")]


def load_texts(path=LABELLED):
    return [text for _, text in load_rows(path)]


def quality(path):
    """Precision and recall of refusal on a labelled set."""
    rows = load_rows(path)
    verdicts = [(label == "refuse", looks_unaccented_vietnamese(text)) for label, text in rows]
    true_positive = sum(1 for wanted, refused in verdicts if wanted and refused)
    refused = sum(1 for _, verdict in verdicts if verdict)
    wanted = sum(1 for want, _ in verdicts if want)
    return {
        "lines": len(rows),
        "precision": round(true_positive / refused, 3),
        "recall": round(true_positive / wanted, 3),
    }


def _check(texts):
    for text in texts:
        try:
            check_profanity(require_vietnamese(text, "content"), "content")
        except InvalidInput:
            pass


def _baseline(texts):
    for text in texts:
        unicodedata.normalize("NFC", text).split()


def _per_text_us(function, texts):
    started = time.process_time()
    function(texts)
    return (time.process_time() - started) / len(texts) * 1e6


def measure(repeat=10, rounds=7):
    """Cost per comment in µs of the check and of the baseline, and their ratio."""
    sample = load_texts()
    texts = sample * repeat
    _check(texts[: len(sample)])  # warm up
    _baseline(texts[: len(sample)])
    check_runs, baseline_runs = [], []
    for _ in range(rounds):
        baseline_runs.append(_per_text_us(_baseline, texts))
        check_runs.append(_per_text_us(_check, texts))
    check_us = statistics.median(check_runs)
    baseline_us = statistics.median(baseline_runs)
    outside = load_texts(OUTSIDE)
    _check(outside)  # warm up
    outside_us = statistics.median(_per_text_us(_check, outside) for _ in range(rounds))
    return {
        "texts": len(texts),
        "distinct_texts": len(sample),
        "mean_chars": round(sum(map(len, sample)) / len(sample), 1),
        "check_us_per_text": round(check_us, 2),
        "baseline_us_per_text": round(baseline_us, 3),
        "ratio": round(check_us / baseline_us, 1),
        "labelled_set": quality(LABELLED),
        "outside_set": quality(OUTSIDE),
        "outside_check_us_per_text": round(outside_us, 2),
    }


def main():
    result = measure()
    print(
        f"diacritics + profanity check: {result['check_us_per_text']} µs per comment"
        f" (baseline NFC + split: {result['baseline_us_per_text']} µs, ratio {result['ratio']}×)"
        f" over {result['texts']} texts of {result['mean_chars']} characters on average"
    )
    for name in ("labelled_set", "outside_set"):
        figures = result[name]
        print(
            f"  {name.replace('_', ' ')} ({figures['lines']} lines): precision {figures['precision']},"
            f" recall {figures['recall']}"
        )
    print(f"  outside set: {result['outside_check_us_per_text']} µs per text")
    try:
        from common import write_results
    except ImportError:  # measured outside bench/run.py
        return result
    write_results("language", result)
    return result


if __name__ == "__main__":
    main()
