"""Babel extractor for the seed files: the texts inwoners see (names, labels and B1 explanations).

Professional descriptions are not extracted: they are for professionals and the open data, in Dutch.
Used by `babel.cfg` and the catalog test; the texts are translated where they are shown, `_(text)`.
"""

from __future__ import annotations

from collections.abc import Iterator

import yaml

SHOWN_KEYS = {"naam", "kort", "label", "b1", "label_b1"}
WHOLE_SECTIONS = {"functieniveaus", "werkvormen"}  # mappings of code -> text, at any depth


def seed_texts(data, whole: bool = False) -> Iterator[str]:
    """Every text in a seed structure that is shown to inwoners."""
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, str) and (key in SHOWN_KEYS or whole):
                yield value
            elif isinstance(value, dict | list):
                yield from seed_texts(value, whole or key in WHOLE_SECTIONS)
    elif isinstance(data, list):
        for item in data:
            yield from seed_texts(item, whole)


def extract_seed(fileobj, keywords, comment_tags, options):
    """Babel extraction method: (line, function, message, comments) per shown seed text."""
    data = yaml.safe_load(fileobj.read().decode("utf-8"))
    for text in dict.fromkeys(seed_texts(data)):
        yield 0, None, text, []
