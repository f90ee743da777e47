"""The compact crisis model: read row by row, it scores, explains and exports exactly as the plain weights."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from conversations.crisis import detector, normalise, read_labelled
from conversations.crisis_model import FEATURES, LinearModel, features, load_model, model_to_json, sigmoid
from tests.conftest import ROOT

MODEL = ROOT / "content" / "crisis_model.json"
DATA = ROOT / "tests" / "data" / "crisis"


def _plain() -> dict:  # type: ignore[type-arg]
    return json.loads(MODEL.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_the_shipped_model_is_written_back_byte_for_byte() -> None:
    model = load_model(MODEL)
    assert model_to_json(model, _plain()["about"]) == MODEL.read_text(encoding="utf-8")


def test_compact_scores_equal_the_plain_weights_on_every_tune_message() -> None:
    data = _plain()
    level, kinds = data["level_weights"], data["category_weights"]
    model = detector().model
    texts = [
        normalise(r[3]) for name in ("tune", "writers_tune") for r in read_labelled(DATA / f"{name}.tsv")
    ]
    assert len(texts) > 500
    for text in texts:
        feats = features(text)
        scale = 1.0 / math.sqrt(sum(feats.values()) or 1)
        scored = model.score(text, explain=4)
        urgent = sum(n * level[f][0] for f, n in feats.items() if f in level)
        concern = sum(n * level[f][1] for f, n in feats.items() if f in level)
        assert scored.urgent == pytest.approx(sigmoid(data["level_bias"][0] + scale * urgent), abs=1e-12)
        assert scored.any == pytest.approx(sigmoid(data["level_bias"][1] + scale * concern), abs=1e-12)
        ranked = sorted((f for f in feats if f in level), key=lambda f: (-(level[f][0] + level[f][1]), f))
        top = dict.fromkeys(f.removeprefix("w:").strip() for f in ranked[:4])
        assert scored.top == tuple(top)
        expected = [
            b + scale * sum(n * kinds[f][j] for f, n in feats.items() if f in kinds)
            for j, b in enumerate(data["category_bias"])
        ]
        assert model.kind_scores(text, scored) == pytest.approx(expected, abs=1e-12)


def test_a_model_from_weights_gives_back_its_weights() -> None:
    model = LinearModel.from_weights(
        ("a", "b"), (0.5, -0.5), (0.1, 0.2), {"w:x": (1.0, 2.0)}, {"w:y": (3.0, 0.0)}, 0.6, 0.7
    )
    assert model.level_weights == {"w:x": (1.0, 2.0)}
    assert model.category_weights == {"w:y": (3.0, 0.0)}
    size = sum(features(" y z ").values())  # 'w:y' and 'w:z' (' y ' is too short for a 4-gram)
    assert size == 2
    assert model.kind_scores(" y z ") == pytest.approx([0.1 + 3.0 / math.sqrt(size), 0.2])


def test_features_are_words_and_their_4_grams_never_across_words() -> None:
    """A new writer's word order carries over less than words: no 4-gram spans two words, and a 4-gram two
    distinct words share counts twice (a repeated word once)."""
    feats = features(" ik wil dood dood ik wil niet meer ")
    assert feats["w:dood"] == 1 and feats[" ik "] == 1
    assert feats["eer "] == 1 and feats[" wil"] == 1
    assert not [f for f in feats if not f.startswith("w:") and f.strip().count(" ")]
    assert "l do" not in feats and "k wi" not in feats
    assert features(" zeer meer ")["eer "] == 2


def test_the_word_cache_gives_the_scores_of_a_fresh_model() -> None:
    """Scores with every word remembered equal those of a model that reads each word for the first time."""
    texts = [normalise(r[3]) for r in read_labelled(DATA / "writers_tune.tsv")][:200]
    warm = detector().model
    for text in texts:
        warm.score(text)
    for text in texts:
        cold = replace(warm, words={})
        assert warm.score(text) == cold.score(text)
        assert warm.kind_scores(text) == cold.kind_scores(text)


def test_a_model_made_for_other_features_is_refused(tmp_path: Path) -> None:
    old = tmp_path / "model.json"
    old.write_text(MODEL.read_text(encoding="utf-8").replace(f'"features":"{FEATURES}",', "", 1))
    with pytest.raises(ValueError, match="made for other features"):
        load_model(old)


@pytest.mark.parametrize(
    "level_weights",
    [
        '{"w:x":[1.0,2.0],"w:y":[1.0]}',  # one weight short
        '{"w:x":[1.0,2.0],"w:y" [1.0,2.0]}',  # no colon
        '{"w:x":[1.0,"a"]}',  # not a number
        '{"w:x":[1.0,2.0],}',  # a trailing comma
    ],
)
def test_a_bad_weight_row_is_refused(tmp_path: Path, level_weights: str) -> None:
    bad = tmp_path / "model.json"
    bad.write_text(
        f'{{"features":"{FEATURES}","categories":["a"],"level_bias":[0,0],"category_bias":[0],'
        f'"urgent_threshold":0.5,"concern_threshold":0.5,"level_weights":{level_weights},"category_weights":{{"w:x":[1.0]}}}}'
    )
    with pytest.raises(ValueError, match="not a crisis model"):
        load_model(bad)


def test_kind_weights_must_match_the_categories(tmp_path: Path) -> None:
    bad = tmp_path / "model.json"
    bad.write_text(
        f'{{"features":"{FEATURES}","categories":["a","b"],"level_bias":[0,0],"category_bias":[0,0],'
        '"urgent_threshold":0.5,"concern_threshold":0.5,"level_weights":{},"category_weights":{"w:x":[1.0]}}'
    )
    with pytest.raises(ValueError, match="do not match the categories"):
        load_model(bad)


def test_a_model_file_with_spaces_and_escapes_reads_as_json_does(tmp_path: Path) -> None:
    data = {
        "features": FEATURES,
        "categories": ["a"],
        "level_bias": [0.1, 0.2],
        "category_bias": [0.3],
        "urgent_threshold": 0.5,
        "concern_threshold": 0.6,
        "level_weights": {'w:\u00e9"x': [1.5, -2.0], "b:a b": [0.25, 0.5]},
        "category_weights": {'w:\u00e9"x': [3.0], "w:z": [-1.0]},
    }
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data, indent=2))
    model = load_model(path)
    assert model.level_weights == {k: tuple(v) for k, v in data["level_weights"].items()}  # type: ignore[union-attr]
    assert model.category_weights == {k: tuple(v) for k, v in data["category_weights"].items()}  # type: ignore[union-attr]
    assert model.sure_threshold == 2.0


def test_loading_the_detector_adds_little_memory() -> None:
    """Peak traced memory while the model is read, in a fresh interpreter: a few MB, not a dict of lists."""
    code = (
        "import tracemalloc\n"
        "from conversations.crisis import rules, detector\n"
        "rules()\n"
        "tracemalloc.start()\n"
        "detector()\n"
        "print(*tracemalloc.get_traced_memory())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    kept, peak = map(int, done.stdout.split())
    assert kept < 9_000_000, kept
    assert peak < 13_000_000, peak
