"""The crisis check: normalisation, levels and kinds, the evaluation set, and the help screens in any flow."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import sys
import tomllib
from functools import cache
from pathlib import Path

import pytest

from conversations.crisis import (
    CATEGORIES,
    Detector,
    _all_patterns,
    assess,
    collapse,
    crisis_category,
    deobfuscate,
    explain,
    is_crisis,
    load_rules,
    normalise,
    read_labelled,
)
from conversations.crisis_model import LinearModel, load_model
from conversations.engine import Engine
from conversations.types import Input
from tests.conftest import ROOT

CHAT = 5150
DATA = ROOT / "tests" / "data" / "crisis"

# The messages quoted at the top of issue 11 that the old detector missed, with their level and kind.
ISSUE_MESSAGES = [
    ("ik heb net al mijn pillen genomen", "overdose"),
    ("ik heb 30 oxazepam genomen", "overdose"),
    ("ik ben het leven zat", "suicide"),
    ("ik wil er gewoon niet meer zijn", "suicide"),
    ("ik snij mezelf", "selfharm"),
    ("ik spring voor de trein", "suicide"),
    ("mijn vader slaat mij", "child"),
    ("mijn vader slaat me", "child"),
    ("hij is van de ghb in coma", "overdose"),
    ("I did too much coke and my heart is racing", "overdose"),
    ("i took 20 oxycodone", "overdose"),
    ("i feel like ending it", "suicide"),
]


@cache
def eval_module():  # type: ignore[no-untyped-def]
    """bench/crisis_eval.py, imported from its path (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("crisis_eval", ROOT / "bench" / "crisis_eval.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_normalise() -> None:
    assert normalise("ZELFMOOOORD!!") == " zelfmoord "
    assert normalise("Ik wíl   dóód") == " ik wil dood "
    assert normalise("I’m gonna") == " im gonna "
    assert normalise("m'n leven") == " mn leven "
    assert normalise("zelf\u200bmoord") == " zelfmoord "
    assert collapse(" diiie kill ") == " die kil "
    assert deobfuscate("zelfm00rd") == " zelfmoord "
    assert deobfuscate("Z E L F M O O R D") == " zelfmoord "
    assert deobfuscate("ik ben 40 jaar") == " ik ben 40 jaar "


@pytest.mark.parametrize(("text", "category"), ISSUE_MESSAGES)
def test_every_message_of_the_issue_is_urgent_of_its_kind(text: str, category: str) -> None:
    verdict = assess(text)
    assert (verdict.level, verdict.category) == ("urgent", category), explain(text).why


@pytest.mark.parametrize(
    "text",
    [
        "ik ga dood van het lachen",
        "ik heb mijn pillen genomen",
        "ik sta uien te snijden",
        "de klok slaat twaalf",
        "mag ik een meeting overslaan?",
        "Doodstil was het in de zaal",
        "overdosis koffie",
        "waar is een AA meeting in Utrecht?",
    ],
)
def test_look_alikes_are_no_crisis(text: str) -> None:
    assert assess(text).level == "none", explain(text).why


@pytest.mark.parametrize(
    "text",
    ["ik kan niet meer", "ik schaam me zo, ik heb weer gedronken", "vorig jaar heb ik een poging gedaan"],
)
def test_concern_is_not_urgent(text: str) -> None:
    assert assess(text).level == "concern", explain(text).why


def test_disguised_and_stretched_words() -> None:
    assert crisis_category("ZELFMOOOORD") == "suicide"
    assert crisis_category("I want to diiiie") == "suicide"
    assert crisis_category("z e l f m o o r d") == "suicide"
    assert not is_crisis("zelfhulpgroep")


def test_why_names_the_rule_or_the_features() -> None:
    assert explain("ik heb 30 oxazepam genomen").why.startswith("rule overdose")
    assert assess("hallo").why == ""


def test_the_split_keeps_groups_apart() -> None:
    """No group (a hand-written situation and its variants) is in both the tune and the held-out part."""
    tune = {row[0] for row in read_labelled(DATA / "tune.tsv")}
    heldout = {row[0] for row in read_labelled(DATA / "heldout.tsv")}
    assert not tune & heldout
    assert len(tune) > 100 and len(heldout) > 50


def test_other_writers_split_keeps_groups_apart() -> None:
    """Other writers' messages: no group in both halves, and none shared with the first writer's set."""
    halves = {p: {row[0] for row in read_labelled(DATA / f"writers_{p}.tsv")} for p in ("tune", "heldout")}
    first = {row[0] for p in ("tune", "heldout") for row in read_labelled(DATA / f"{p}.tsv")}
    assert not halves["tune"] & halves["heldout"]
    assert not (halves["tune"] | halves["heldout"]) & first
    assert len(halves["heldout"]) > 300


def test_the_held_out_parts_never_change() -> None:
    """Both held-out parts are byte for byte as split, before anything was tuned on their other halves."""
    pinned = {
        "heldout.tsv": "2ff685a8522a92ec9c79d0a6b3b24093e0955b481fdb94f18a45e00571d223ac",
        "writers_heldout.tsv": "0f2fe4019b56ebcb711780cbc8c7dc9f17bb6230c21e09a7e8b2f63a109dc1f0",
    }
    for name, digest in pinned.items():
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest, name


def test_the_set_is_large_and_varied() -> None:
    rows = read_labelled(DATA / "tune.tsv") + read_labelled(DATA / "heldout.tsv")
    assert len(rows) >= 1500
    levels = {level for _, level, _, _ in rows}
    kinds = {category for _, level, category, _ in rows if level == "urgent"}
    assert levels == {"urgent", "concern", "none"} and kinds == set(CATEGORIES)


def test_the_first_small_set_still_holds() -> None:
    """Every crisis of the first small set is still recognised (at least concern); few look-alikes urgent."""
    rows = []
    for line in (ROOT / "tests" / "data" / "crisis_eval.tsv").read_text(encoding="utf-8").splitlines():
        label, sep, text = line.partition("\t")
        if sep and not line.startswith("#"):
            rows.append((label == "1", text))
    missed = [t for crisis, t in rows if crisis and assess(t).level == "none"]
    alarmed = [t for crisis, t in rows if not crisis and assess(t).urgent]
    assert not missed and len(alarmed) <= 2, (missed, alarmed)


def test_eval_script_prints_every_figure(capsys: pytest.CaptureFixture[str]) -> None:
    eval_module().main(["crisis_eval.py", "--part", "tune"])
    out = capsys.readouterr().out
    for figure in (
        "urgent flagged >= concern",
        "urgent flagged urgent",
        "benign flagged urgent",
        "benign flagged >= concern",
        "urgent kind right",
        "cost per message (ms)",
        "cost first pass, fresh (ms)",
    ):
        assert figure in out
    assert "source documents:" in out


def test_bad_phrase_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "crisis.toml"
    kinds = "\n".join(f'{c} = ["x"]' for c in CATEGORIES if c != "suicide")
    bad.write_text(f'[urgent]\nsuicide = ["("]\n{kinds}\n')
    with pytest.raises(ValueError, match="bad pattern"):
        load_rules(bad)
    bad.write_text('[urgent]\nsuicide = ["x"]\n')
    with pytest.raises(ValueError, match="selfharm"):
        load_rules(bad)
    bad.write_text(f'[urgent]\nsuicide = ["van (zn|zijn) stokje "]\n{kinds}\n')  # could never match
    with pytest.raises(ValueError, match="space"):
        load_rules(bad)


def test_bad_model_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "model.json"
    bad.write_text(json.dumps({"categories": ["a"], "level_weights": {}}))
    with pytest.raises(ValueError, match="not a crisis model"):
        load_model(bad)


def test_model_file_is_small() -> None:
    assert (ROOT / "content" / "crisis_model.json").stat().st_size < 2_000_000


def ids(reply) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.id for b in reply.buttons()]


def text_of(reply) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(m.text for m in reply.messages)


async def test_crisis_in_the_middle_of_which_group(engine: Engine) -> None:
    await engine.handle(CHAT, Input.of_text("/start"))
    await engine.handle(CHAT, Input.of_button("w:start"))
    asked = await engine.handle(CHAT, Input.of_button("w:a:who:self"))
    assert "w:a:what:alcohol" in ids(asked)

    urgent = await engine.handle(CHAT, Input.of_text("ik wil er niet meer zijn"))
    assert text_of(urgent).index("113") < text_of(urgent).index("112")
    assert "h:back" in ids(urgent)

    back = await engine.handle(CHAT, Input.of_button("h:back"))
    assert "w:a:what:alcohol" in ids(back), "the same question comes back"
    after = await engine.handle(CHAT, Input.of_button("w:a:what:alcohol"))
    assert "w:a:young:yes" in ids(after), "and the flow goes on"


async def test_crisis_in_english(engine: Engine) -> None:
    await engine.handle(CHAT, Input.of_text("/start", language_hint="en"))
    urgent = await engine.handle(CHAT, Input.of_text("I want to diiiie"))
    assert "Suicide Prevention" in text_of(urgent) and "112" in text_of(urgent)


def test_our_own_texts_are_no_crisis_signal() -> None:
    """A person who quotes the bot back (topics, profiles, questions) does not get urgent help by mistake."""
    from content import LANGUAGES
    from content.i18n import messages
    from content.loader import fellowships

    # texts that are themselves crisis help (they name 113, 112, suicide or the withdrawal danger)
    skip = ("urgent.", "withdrawal.", "topic.waitlist.4", "which.note.withdrawal", "concern.")
    skip += ("print.poster.urgent",)
    flagged = [
        f"{lang}:{key}"
        for lang in LANGUAGES
        for key, text in messages(lang).items()
        if not key.startswith(skip) and is_crisis(text)
    ]
    flagged += [
        f"{pid}.{name}"
        for pid, f in fellowships().items()
        for lang in LANGUAGES
        for name, text in f.texts[lang].items()
        if is_crisis(text)
    ]
    assert not flagged


def test_chat_spelling_is_written_out_before_the_rules() -> None:
    from conversations.crisis import rules

    assert rules().canonical(" kben et nie meer zo zeker mn ") == " ik ben het niet meer zo zeker mijn "
    verdict = assess("kben et leven zo zat")
    assert (verdict.level, verdict.category) == ("urgent", "suicide")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("she threw a bottle at me and says she'll kill me", "violence"),  # someone else's threat
        ("my partner strangled me last night when he was high", "violence"),  # 'last night' is no goodbye
        ("mijn ex dreigt me iets aan te doen als ik niet open doe", "violence"),
        ("ik ga mezelf iets aandoen", "suicide"),
        ("ik brand mijn arm met een aansteker als het te veel wordt", "selfharm"),
        ("mijn man heeft een mes en zegt dat hij er een eind aan maakt", "suicide"),
    ],
)
def test_the_kind_follows_who_does_what(text: str, category: str) -> None:
    verdict = explain(text)
    assert (verdict.level, verdict.category) == ("urgent", category), verdict.why


def test_bad_chat_table_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "crisis.toml"
    kinds = "\n".join(f'{c} = ["x"]' for c in CATEGORIES)
    bad.write_text(f"[urgent]\n{kinds}\n[chat]\nwords = {{ k = 1 }}\n")
    with pytest.raises(ValueError, match="chat"):
        load_rules(bad)


DISTRESS = ["ik ben echt wanhopig", "moet ik 112 bellen?", "please help me", "i'm panicking"]


@pytest.mark.parametrize("text", DISTRESS)
def test_distress_gets_at_least_the_gentle_line(text: str) -> None:
    assert assess(text).level != "none"


def test_words_of_danger_get_the_gentle_line_but_look_alikes_do_not() -> None:
    assert assess("er ligt overal bloed").level != "none"
    assert assess("hij heeft een mes").level != "none"
    for text in ("die eerste keer was spannend", "ik lag dubbel, dood gegaan van het lachen"):
        assert assess(text).level == "none", text


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # the writer's age decides between a child's screen and the screen for violence at home
        ("mijn stiefvader is dronken en slaat mijn moeder, ik ben 22 en ben hier op bezoek", "violence"),
        ("my dad is punching my mum in the kitchen, i'm 30 and i'm just visiting", "violence"),
        ("hij slaat me elke keer als hij gedronken heeft. ik ben 13", "child"),
        ("my brother said he'll beat me up if i tell anyone. im 10", "child"),
        # stopping, then symptoms, in either order
        ("vier dagen zonder drank en nu zie ik mannetjes op de gang en ik tril", "withdrawal"),
        ("had vanochtend een toeval, ik ben vorige week gestopt met de diazepam", "withdrawal"),
        ("day 3 off the benzos, brain zaps and my arms keep jerking", "withdrawal"),
        # a drug and a racing heart or chest pain
        ("al 30 uur op de 3mmc en nu heb ik hartkloppingen en pijn op mn borst", "overdose"),
        # an act on one's own body, not a wish to die
        ("ik heb expres mijn arm tegen de hete oven gedrukt", "selfharm"),
        ("i keep hitting my own legs with a hammer when the craving comes", "selfharm"),
        # pills counted out and a question whether it is enough
        ("heb 50 paracetamol op een rijtje gelegd, is dat genoeg om niet meer wakker te worden", "suicide"),
    ],
)
def test_the_kind_follows_age_order_and_act(text: str, category: str) -> None:
    verdict = explain(text)
    assert (verdict.level, verdict.category) == ("urgent", category), verdict.why


@pytest.mark.parametrize(
    "text",
    [
        "soms denk ik dat mijn kinderen beter af zijn zonder mij",
        "ik zie geen uitweg meer met dat drinken van hem",
        "mijn vriend zegt dat hij niet meer wil leven, maar hij heeft geen plan zegt hij",
        "i think about not being here sometimes, not gonna do anything though",
    ],
)
def test_passive_wishes_and_thoughts_without_a_plan_are_concern(text: str) -> None:
    verdict = explain(text)
    assert verdict.level == "concern", verdict.why


@pytest.mark.parametrize(
    "text",
    [
        "wat moet je eigenlijk doen als iemand een overdosis heeft?",
        "what does an overdose do to your body? it's for a school essay",
        "in de serie die ik kijk pleegt de hoofdpersoon zelfmoord, mooi gemaakt",
        "ik heb me te pletter gelachen om die video",
        "ze werkt op de ambulance en ziet veel overdoses in het weekend",
        # someone else's life, in a report's words: 'leven' alone is no sign of suicide ('mijn leven' is)
        "Hij heeft veel moeite met hoe ze nu haar leven invult.",
        "Vanuit machteloosheid en ontmoediging gaan mensen hun leven weer in eigen hand nemen.",
    ],
)
def test_talk_about_overdose_and_idioms_are_no_emergency(text: str) -> None:
    verdict = explain(text)
    assert not verdict.urgent, verdict.why


def test_the_kind_read_from_a_score_is_the_kind_read_afresh() -> None:
    from conversations.crisis import detector

    model = detector().model
    for text in (" ik heb te veel pillen genomen ", " hij slaat me en ik ben bang "):
        scored = model.score(text)
        assert model.category(text, scored=scored) == model.category(text)
        assert model.category(text, among=("child", "violence"), scored=scored) == model.category(
            text, among=("child", "violence")
        )


@pytest.mark.parametrize(
    ("text", "level", "category"),
    [
        # a death wish that is denied is not read as suicide: the act is what counts (crisis5, writer D)
        (
            "cut my arms again tonight and it keeps bleeding. i dont want to die, i just hate myself",
            "urgent",
            "selfharm",
        ),
        (
            "mijn zus heeft zich in haar pols gesneden, ze zegt dat ze niet dood wil maar het bloedt erg",
            "urgent",
            "selfharm",
        ),
        ("not suicidal. burnt my hand on the stove on purpose and it is blistering", "urgent", "selfharm"),
        ("Ik ben niet suïcidaal hoor. Ik heb alleen nergens meer zin in.", "concern", None),
        ("ik wil niet dood ofzo maar ik wil ook niet echt leven", "concern", None),
        ("my life feels pointless, though I would never harm myself", "concern", None),
        ("he is not talking about hurting himself, but he keeps saying whats the point", "concern", None),
    ],
)
def test_a_denied_death_wish_leaves_the_act(text: str, level: str, category: str | None) -> None:
    verdict = explain(text)
    assert (verdict.level, verdict.category) == (level, category), verdict.why


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # the writer is young: a child at risk, whatever the act (Kindertelefoon first)
        ("ik ben 13 en ik heb me net gesneden, het bloedt nog", "child"),
        ("im 14 and my stepdad just hit me in the face", "child"),
        # a child by age there, with someone else's overdose or violence
        ("mijn man is weggevallen op de g, hij reageert nergens op en onze zoon is 3", "child"),
        ("a pupil (14) told me her dad hits her with a belt when he is drunk", "child"),
        ("mn moeder is buiten westen van de pillen en de kleintjes zijn hier", "child"),
        # but a parent writing about their teenager's own self-harm gets the self-harm screen,
        # and hiding from a violent partner with the baby is violence
        ("mijn dochter van 15 snijdt zichzelf, ik vond net nieuwe wonden", "selfharm"),
        ("he is kicking the door in and i am hiding with the baby", "violence"),
        # acts on one's own body
        ("blade's out. gonna cut. not suicidal", "selfharm"),
        (
            "ik heb mijn vuist door de spiegel geslagen omdat ik kwaad op mezelf was, er zit glas in",
            "selfharm",
        ),
    ],
)
def test_the_kind_follows_the_age_of_who_is_at_risk(text: str, category: str) -> None:
    verdict = explain(text)
    assert verdict.urgent and verdict.category == category, verdict.why


@pytest.mark.parametrize(
    ("text", "level", "category"),
    [
        # withdrawal: a stop and a symptom, either way round, beats the overdose words (writers D and E)
        ("day 3 off the benzos and I had two seizures this morning", "urgent", "withdrawal"),
        (
            "mijn moeder krijgt in het tehuis geen wijn meer, is nu verward en ziet mensen",
            "urgent",
            "withdrawal",
        ),
        ("she is burning up and confused and has stopped sweating after two pills", "urgent", "overdose"),
        # something taken, then the body in danger
        ("te veel coke gedaan en mijn hart gaat zo hard, mijn linkerarm tintelt", "urgent", "overdose"),
        # acts against someone else
        (
            "mijn vrouw heeft met een mes naar me gezwaaid en zegt dat ze me vannacht steekt",
            "urgent",
            "violence",
        ),
        ("he had his hands round my throat and said next time hell finish it", "urgent", "violence"),
        # a plan, a place, a date
        ("ik sta nu op het dak van de flat, niemand mist me", "urgent", "suicide"),
        ("ik heb mijn slaaptabletten opgespaard en dit weekend is het zover", "urgent", "suicide"),
        ("ik denk dat ik het vannacht doe, de pillen liggen klaar", "urgent", "suicide"),
        # talk about overdose, idioms, a day count: no emergency
        ("what should I do if a friend ever overdoses? asking in general", "none", None),
        ("haar zoon is aan een overdosis overleden, is er een groep voor nabestaanden?", "none", None),
        ("I overdosed on Netflix this weekend lol, is there a meeting in Groningen?", "none", None),
        ("doodmoe maar nog steeds nuchter, dag 112", "none", None),
        ("odd question, but where is the meeting tonight?", "none", None),
        ("i think i odd on pills", "urgent", "overdose"),
        ("ik heb net uien gesneden en zit te huilen, is de groep nog op woensdag?", "none", None),
        (
            "my husband is not violent, but he drinks every night and I am so tired of everything",
            "concern",
            None,
        ),
        (
            "ik ben 15 en mijn moeder drinkt elke avond, ze is niet agressief maar ik huil elke nacht",
            "concern",
            None,
        ),
    ],
)
def test_general_forms_from_new_writers(text: str, level: str, category: str | None) -> None:
    verdict = explain(text)
    assert (verdict.level, verdict.category) == (level, category), verdict.why


def _kind_detector(
    tmp_path: Path, kind_weights: dict[str, tuple[float, ...]], intercept: float = 0.0
) -> Detector:
    """Rules with one word per kind ('pilx' overdose, 'dodx' suicide, 'snix' selfharm, 'kidx' child, 'afkx'
    withdrawal, 'slax' violence) and a model whose only weights are these kind weights per word (p_urgent and
    p_concern 0.5 by default: below its thresholds, above the veto's)."""
    words = {"child": "kidx", "withdrawal": "afkx", "overdose": "pilx", "suicide": "dodx", "selfharm": "snix"}
    words["violence"] = "slax"
    rules_file = tmp_path / "crisis.toml"
    rules_file.write_text("[urgent]\n" + "\n".join(f'{c} = ["{words[c]}"]' for c in CATEGORIES) + "\n")
    weights = {f"w:{w}": kind_weights[w] for w in kind_weights}
    model = LinearModel.from_weights(CATEGORIES, (intercept, intercept), (0.0,) * 6, {}, weights, 0.9, 0.9)
    return Detector(load_rules(rules_file), model)


def _kinds(**strong: float) -> tuple[float, ...]:
    """Kind weights: these kinds this strong, the others 0."""
    return tuple(strong.get(c, 0.0) for c in CATEGORIES)


def test_the_model_chooses_among_the_kinds_of_the_rules_that_match(tmp_path: Path) -> None:
    """Rules of two kinds match ('pilx' overdose is tried before 'dodx' suicide): the model's likelier kind
    decides, and the why names both rules."""
    det = _kind_detector(tmp_path, {"zus": _kinds(suicide=6.0, overdose=1.0)})
    v = det.assess("mijn zus pilx dodx vandaag")
    assert (v.level, v.category) == ("urgent", "suicide")
    assert "rule suicide: 'dodx' (rule overdose too" in v.why


def test_a_sure_model_corrects_an_unlikely_rule_kind(tmp_path: Path) -> None:
    """One rule (overdose) matches, the model is sure it is self-harm and finds overdose unlikely: self-harm,
    and the why says so. A model that is not sure leaves the rule's kind."""
    det = _kind_detector(tmp_path, {"arm": _kinds(selfharm=20.0)})
    v = det.assess("pilx in mijn arm")
    assert (v.level, v.category) == ("urgent", "selfharm")
    assert "rule overdose: 'pilx'" in v.why and "kind selfharm from the model" in v.why
    unsure = _kind_detector(tmp_path, {"arm": _kinds(selfharm=1.0)})
    assert unsure.assess("pilx in mijn arm").category == "overdose"


@pytest.mark.parametrize(
    ("word", "category"),
    [("kidx", "child"), ("afkx", "withdrawal"), ("snix", "selfharm"), ("slax", "violence")],
)
def test_a_precise_rule_keeps_its_kind(tmp_path: Path, word: str, category: str) -> None:
    """Only the broad kinds (suicide, overdose) are checked by the model. A child at risk and withdrawal are
    the writers' conventions (a child at risk beats the other kinds; a stop and a symptom is withdrawal), and
    stay even when a later rule of a kind the model finds likelier matches too."""
    det = _kind_detector(tmp_path, {"arm": _kinds(suicide=20.0), "zus": _kinds(suicide=3.0)})
    assert det.assess(f"{word} in mijn arm").category == category
    if category in ("child", "withdrawal"):  # tried before the suicide rule
        assert det.assess(f"mijn zus {word} dodx").category == category


def test_a_fairly_sure_model_corrects_a_doubtful_rule_kind(tmp_path: Path) -> None:
    """The model finds self-harm fairly likely (p 0.65) and the overdose rule's kind unlikely (p 0.07):
    self-harm (crisis9: KIND_SURE 0.6, chosen by leaving writers out with rules from before them)."""
    det = _kind_detector(tmp_path, {"arm": _kinds(selfharm=8.0)})
    v = det.assess("pilx in mijn arm")
    assert (v.level, v.category) == ("urgent", "selfharm"), v.why
    assert "kind selfharm from the model" in v.why


def _cue_detector(tmp_path: Path, urgent_word: str, kinds: tuple[float, ...]) -> Detector:
    """Rules with one word per kind and the cue words 'mamx' (child) and 'slax' (violence); a model that
    finds any text with `urgent_word` urgent, with these kind weights."""
    rules_file = tmp_path / "crisis.toml"
    urgent = {c: f"{c[:3]}zzq" for c in CATEGORIES}  # rules that never match these texts
    rules_file.write_text(
        "[urgent]\n"
        + "\n".join(f'{c} = ["{w}"]' for c, w in urgent.items())
        + '\n[cues]\nchild = ["mamx"]\nviolence = ["slax"]\n'
    )
    word = f"w:{urgent_word}"
    model = LinearModel.from_weights(
        CATEGORIES, (-5.0, -5.0), (0.0,) * 6, {word: (60.0, 60.0)}, {word: kinds}, 0.9, 0.5, 0.999
    )
    return Detector(load_rules(rules_file), model)


def test_a_model_verdict_does_not_keep_a_child_from_a_family_word(tmp_path: Path) -> None:
    """A model verdict whose only cue word is a family word ('my mum', 'kids': child cues) while the model
    finds suicide likely and a child at risk unlikely: suicide, not the child screen (a cue word says
    nothing of an age). The why says so."""
    det = _cue_detector(tmp_path, "hosx", _kinds(suicide=20.0))
    v = det.assess("de hosx zit in het raam zeg mamx sorry")
    assert (v.level, v.category) == ("urgent", "suicide"), v.why
    assert "kind from 'mamx'" in v.why and "kind suicide from the model" in v.why
    # the model finds a child at risk likely too: the cue's kind stays
    child = _cue_detector(tmp_path, "hosx", _kinds(suicide=20.0, child=20.0))
    assert child.assess("de hosx zit in het raam zeg mamx sorry").category == "child"


def test_the_model_never_makes_a_child_at_risk_of_a_precise_rule(tmp_path: Path) -> None:
    """A precise rule's kind (violence) stays, whatever the model's 'child'; a broad rule's kind (overdose,
    something taken) becomes a child at risk when the model is sure of it (crisis9: measured by leaving
    writers out)."""
    det = _kind_detector(tmp_path, {"stiefvader": _kinds(child=20.0)})
    assert det.assess("mijn stiefvader slax mijn moeder").category == "violence"
    v = det.assess("mijn stiefvader pilx mijn moeder")
    assert (v.level, v.category) == ("urgent", "child"), v.why


@pytest.mark.parametrize(
    "text",
    [
        "haha ik ga echt dood van jou",
        "ik ga dood 😂😂 wat een grap",
        "that song about suicide by twenty one pilots is so good",
        "in dat liedje zingt ze dat ze dood wil",
        "hoe herken je signalen van zelfmoord bij een vriend",
        "what should you do when a friend talks about suicide",
        "wat moet je doen als iemand een epileptische aanval krijgt na het stoppen met drinken",
    ],
)
def test_jokes_songs_games_and_general_questions_are_no_alarm(text: str) -> None:
    """General forms: a laugh by an idiom of dying, a song, film or game, a question about someone unnamed."""
    verdict = explain(text)
    assert verdict.level == "none", verdict.why


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("that movie makes me want to kill myself", "suicide"),
        ("i want to die lol", "suicide"),
        ("ik heb 30 pillen genomen haha", "overdose"),
        ("ik wil dood, net als in die film", "suicide"),
        ("what do i do if he stops breathing, he took ghb", "overdose"),
    ],
)
def test_a_wish_or_an_act_with_a_joke_or_a_song_stays_urgent(text: str, category: str) -> None:
    verdict = explain(text)
    assert (verdict.level, verdict.category) == ("urgent", category), verdict.why


def test_a_recovery_story_with_a_past_attempt_is_concern() -> None:
    verdict = explain("when i was drinking i tried to kill myself, now 3 years sober")
    assert verdict.level == "concern", verdict.why


@pytest.mark.parametrize(
    "text",
    [
        "Ik ben huisarts. Hoe verwijs ik een patiënt met suïcidale gedachten het beste door?",
        "we hadden vandaag een training over suïcidepreventie, zijn er ook groepen?",
        "My uncle died by suicide 20 years ago. I just want to find an Al-Anon group.",
        "ik sla mezelf voor mn kop dat ik die meeting gemist heb",
        "mn moeder vermoordt me als ze hoort dat ik weer te laat ben lol",
        "ik heb een overdosis aan kerstfilms gehad dit weekend",
        "hoe weet je of iemand aan zelfmoord denkt?",
        "my legs are bruised to death after paintball haha",
    ],
)
def test_talk_about_the_topic_idioms_and_denials_are_no_alarm(text: str) -> None:
    """General forms from writers F to K (after they were scored unseen): a professional or a training, a
    death long ago, idioms, a denied act, a question whether someone ..."""
    verdict = explain(text)
    assert verdict.level == "none", verdict.why


def test_a_seizure_long_ago_is_concern_and_shaking_now_stays_withdrawal() -> None:
    past = explain("My dad had a seizure the last time he stopped drinking, two years ago. He drinks again.")
    assert past.level == "concern", past.why
    now = explain("zonder drank sinds maandag en nu tril ik als een rietje en zie ik dingen")
    assert (now.level, now.category) == ("urgent", "withdrawal"), now.why


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("mijn partner heeft me vanavond met een stoel geslagen en is nog thuis", "violence"),
        ("she broke my wrist an hour ago and she's still in the kitchen", "violence"),
        ("mijn stiefbroer staat met een mes voor de deur en schreeuwt", "violence"),
        ("he said next time it will be worse, he's coming back at ten", "violence"),
        ("vrijdag ben ik er niet meer, dat heb ik vandaag besloten", "suicide"),
        ("i won't be around after tonight, the letters are written", "suicide"),
        ("zijn jachtgeweer ligt geladen op tafel en hij heeft gedronken", "suicide"),
        ("I've saved up all the insulin I need, tonight is it", "suicide"),
        ("na de methadon en de wodka gaat zijn ademhaling heel langzaam", "overdose"),
        ("na de speed heeft mijn vriendin koorts van 42 en praat ze wartaal", "overdose"),
        ("ik heb mijn arm expres verbrand met een strijkijzer, doet zo'n pijn", "selfharm"),
        ("mijn vriendin zit haar hoofd tegen de muur te bonken", "selfharm"),
        ("sinds vrijdag geen drank meer en nu zie ik spinnen over de vloer lopen", "withdrawal"),
    ],
)
def test_new_writers_urgent_forms(text: str, category: str) -> None:
    """General forms from writers M, N and O (after they were scored unseen), in our own words."""
    verdict = explain(text)
    assert (verdict.level, verdict.category) == ("urgent", category), verdict.why


@pytest.mark.parametrize(
    "text",
    [
        "mijn vriend is kickbokser en heeft na de wedstrijd een blauw oog",
        "In 2016 had ik een delier in het ziekenhuis, nu ben ik 7 jaar droog en wil ik helpen",
        "onze band heeft een nummer dat Overdose heet, mogen we spelen op een nuchter feest?",
        "voor mijn scriptie over verslaving lees ik over overdosis en naloxon, tips voor bronnen?",
        "vannacht droomde ik dat ik weer een overdosis nam, gelukkig maar een droom",
    ],
)
def test_new_writers_look_alikes_are_no_alarm(text: str) -> None:
    """Sport, a dated past, a title, a study, a dream (writers M, N, O): no signal at all."""
    verdict = explain(text)
    assert verdict.level == "none", verdict.why


@pytest.mark.parametrize(
    "text",
    [
        "mijn zus zegt dat alles zinloos is, ik vroeg of ze zichzelf iets zou aandoen en ze zei nee",
        "my brother is drinking again and sounds so flat, I don't think he'd hurt himself but I worry",
        "soms wil ik gewoon weg, niet in de zin van mezelf iets aandoen, maar ik ben zo moe",
        "my wife drinks every night, she's not violent, I just feel so alone",
        "soms denk ik dat iedereen beter af is zonder mij. ik ga niks doen, ik wilde het kwijt",
        "ik ben 15 en mn moeder drinkt, ze doet niks gemeens maar ik ben zo eenzaam",
    ],
)
def test_denied_acts_and_danger_are_concern_not_urgent(text: str) -> None:
    """A denial in the third person or in other words, or 'not violent': the gentle line, not the alarm."""
    verdict = explain(text)
    assert verdict.level == "concern", verdict.why


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("hij heeft me bij de keel en sluit me op in de schuur", "violence"),
        ("ze zei dat ze me af gaat maken als ik bel", "violence"),
        ("his lips are blue and he won't wake up", "overdose"),
        ("took double my dose of oxy by mistake", "overdose"),
        ("ik spring voor de trein van vanavond", "suicide"),
        ("mn besluit staat vast, dit is mn laatste bericht", "suicide"),
        ("came off my valium a few days ago and now i'm having fits", "withdrawal"),
    ],
)
def test_short_chat_lines_urgent(text: str, category: str) -> None:
    """General forms from writer P's short chat lines, in our own words."""
    verdict = explain(text)
    assert (verdict.level, verdict.category) == ("urgent", category), verdict.why


@pytest.mark.parametrize(
    "text",
    [
        "been crying all day again",
        "ik heb niemand om mee te praten sinds ik gestopt ben",
        "voel me slechter dan ooit",
        "everyone gave up on me tbh",
        "mn vader zegt dat ik een schande ben",
    ],
)
def test_short_chat_lines_concern(text: str) -> None:
    """Short lines of distress (writer P): the gentle line, not silence."""
    verdict = explain(text)
    assert verdict.level == "concern", verdict.why


@pytest.mark.parametrize(
    "text",
    [
        "ik las in de krant over een overdosis in onze stad, gelukkig ben ik al jaren clean",
        "stel dat iemand op een feestje niet meer wakker wordt, wat moet je dan doen? vraag voor een cursus",
        "dag 20 zonder bier, ik tril niet eens meer, wel slecht geslapen",
        "ik snij mezelf altijd in mn duim bij het aardappels schillen haha",
    ],
)
def test_news_hypotheticals_denied_symptoms_and_kitchen_cuts_are_no_alarm(text: str) -> None:
    """Look-alikes from writers M–P (general forms): news, a hypothetical, a denied symptom, a kitchen cut."""
    verdict = explain(text)
    assert verdict.level == "none", verdict.why


@pytest.mark.parametrize(
    "text",
    [
        "I asked my dad if he'd hurt himself and he said no, but he drinks all day and says nothing matters",
        "ik heb geen gedachten om mezelf iets aan te doen, maar ik ben zo somber sinds mijn broer overleed",
    ],
)
def test_grief_and_denied_thoughts_are_concern(text: str) -> None:
    """Grief over an overdose death, and thoughts of self-harm denied: the gentle line, not the alarm."""
    verdict = explain(text)
    assert verdict.level == "concern", verdict.why


def test_grief_that_takes_the_breath_is_no_alarm() -> None:
    """'I can't breathe' from grief after someone's overdose death is not an overdose now."""
    text = "my son's friend overdosed and died last year, the grief is so heavy some days i can't breathe"
    verdict = explain(text)
    assert verdict.level != "urgent", verdict.why


def test_cutting_to_end_it_is_suicide() -> None:
    """Cutting meant to end one's life is the suicide screen, not self-harm."""
    verdict = explain("vanavond snij ik in de lengte, dan is het klaar")
    assert (verdict.level, verdict.category) == ("urgent", "suicide"), verdict.why


@pytest.mark.parametrize(
    "text",
    [
        "Mijn baas vermoordt me als ik weer te laat kom, hoe laat begint de meeting in Zwolle?",
        "we hadden het in de groep over zelfmoord en dat vond ik fijn, volgende week weer",
    ],
)
def test_the_model_vetoes_a_rule_alarm_it_finds_very_unlikely(text: str) -> None:
    """A rule's urgent verdict that the model finds very unlikely (crisis12, VETO_URGENT) is concern: the
    gentle line with the help button, never nothing; the 'why' says both."""
    verdict = explain(text)
    assert verdict.level == "concern", verdict.why
    assert verdict.why.startswith("rule ") and "but the model p=" in verdict.why


@pytest.mark.parametrize(
    "text",
    [
        "ik heb net al mijn pillen genomen",
        "ik ben sinds maandag gestopt met drinken en nu tril ik en zie ik beestjes op de muur",
        "kheb net weer gekrast, diep deze keer, niet suïcidaal hoor",
    ],
)
def test_the_model_veto_leaves_real_alarms_urgent(text: str) -> None:
    """Guards: emergencies a rule finds stay urgent with the veto."""
    assert explain(text).level == "urgent", explain(text).why


def test_the_veto_makes_a_rule_alarm_concern_when_the_model_finds_it_very_unlikely(tmp_path: Path) -> None:
    """Synthetic: the same rule hit is urgent with a neutral model (p=0.5), concern with p=0.007; a short
    text stays urgent."""
    assert _kind_detector(tmp_path, {}, intercept=-5.0).assess("mijn zus dodx").level == "urgent"
    text = "mijn zus zei vandaag iets over dodx, wat zou ze bedoelen"
    assert _kind_detector(tmp_path, {}).assess(text).level == "urgent"
    v = _kind_detector(tmp_path, {}, intercept=-5.0).assess(text)
    assert v.level == "concern" and "rule suicide: 'dodx', but the model p=0.01" in v.why, v.why


# `.{0,120}(g|fit|...)`: after a stretch of any characters, a word must start at a word's start, or the last
# letters of any word match ('dog' ends in 'g', 'outfit' in 'fit').
_STRETCH_THEN_WORD = re.compile(r"\.\{\d*,\d+\}\??(?:\(\?<![^)]*\))*(?![ )|]|\\b|$)")


def test_after_a_stretch_of_any_text_a_rule_word_starts_a_word() -> None:
    """Every '.{m,n}' in the phrase file is followed by a space or a word boundary."""
    data = tomllib.loads((ROOT / "content" / "crisis.toml").read_text(encoding="utf-8"))
    loose = [p for p in _all_patterns(data) if _STRETCH_THEN_WORD.search(p)]
    assert not loose, loose[:3]


@pytest.mark.parametrize(
    "text",
    [
        "my nephew aged 8 loves his dog",
        "mijn zoontje van 4 is jarig en we gaan naar de dierentuin vandaag",
        "onze dochter van 6 wil een nieuwe outfit voor het schoolfeest",
    ],
)
def test_a_child_and_a_word_ending_like_a_rule_word_is_no_alarm(text: str) -> None:
    """'dog' and 'vandaag' end in 'g', 'outfit' in 'fit': no child at risk."""
    assert not is_crisis(text), explain(text).why


@pytest.mark.parametrize(
    "text",
    [
        "ik ben de buurvrouw, het jongetje van 5 hiernaast is net door zijn vader geslagen, hij bloedt",
        "the boy next door is 7 and his dad hit him again tonight, he is scared to go home",
    ],
)
def test_a_child_hit_is_a_child_at_risk(text: str) -> None:
    """A child by age, and hit: the child screen."""
    verdict = explain(text)
    assert (verdict.level, verdict.category) == ("urgent", "child"), verdict.why


def _net_detector(tmp_path: Path, intercept: float) -> Detector:
    """Rules with one word of danger ('gevx', in [net]) and one concern word ('zorx'), and a model without
    weights whose p_urgent and p_concern are sigmoid(intercept)."""
    rules_file = tmp_path / "crisis.toml"
    urgent = "\n".join(f'{c} = ["{c[:3]}x"]' for c in CATEGORIES)
    rules_file.write_text(f'[urgent]\n{urgent}\n[concern]\npatterns = ["zorx"]\n[net]\npatterns = ["gevx"]\n')
    model = LinearModel.from_weights(CATEGORIES, (intercept, intercept), (0.0,) * 6, {}, {}, 0.9, 0.9)
    return Detector(load_rules(rules_file), model)


def test_a_word_of_danger_in_a_long_text_the_model_finds_harmless_is_no_signal(tmp_path: Path) -> None:
    """A [net] word: concern with a neutral model (p=0.5); none with p=0.007 in a text of more than eight
    words, and the why says both; still concern in a short text or for a [concern] rule."""
    long = "na die lange dienst van twaalf uur was ik echt gevx vandaag"
    assert _net_detector(tmp_path, 0.0).assess(long).level == "concern"
    v = _net_detector(tmp_path, -5.0).assess(long)
    assert v.level == "none" and "rule concern: 'gevx', but the model p=0.01" in v.why, v.why
    assert _net_detector(tmp_path, -5.0).assess("ik ben gevx vandaag").level == "concern"
    assert _net_detector(tmp_path, -5.0).assess(long.replace("gevx", "zorx")).level == "concern"


@pytest.mark.parametrize(
    "text",
    [
        "na die verhuizing met drie trappen was ik echt dood, maar ik bleef wel nuchter. meetings in Zwolle?",
        "we keken gisteren een film die death by chocolate heette en lachten ons een ongeluk, 2 jaar droog",
    ],
)
def test_words_of_danger_in_a_cheerful_story_are_no_signal(text: str) -> None:
    """'dood' and 'death' in a story the model finds harmless: no gentle line."""
    assert explain(text).level == "none", explain(text).why


@pytest.mark.parametrize(
    "text", ["dood", "ik zie overal bloed", "er ligt een mes op tafel en ik kijk er steeds naar vannacht"]
)
def test_words_of_danger_keep_at_least_the_gentle_line(text: str) -> None:
    """Short, or not harmless to the model: at least concern."""
    assert explain(text).level != "none", explain(text).why
