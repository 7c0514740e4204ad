import string

import pytest

from clusterpolicy.model.metrics import OUTCOMES
from clusterpolicy.model.params import LEVER_GROUPS, declarations
from clusterpolicy.outputs import i18n

LEVERS = [s.key for s in declarations() if s.is_lever]
HEADLINE = [n for n, o in OUTCOMES.items() if o.headline]


@pytest.mark.parametrize("key", LEVERS + HEADLINE + list(LEVER_GROUPS))
def test_every_lever_headline_outcome_and_group_has_a_dutch_label(key):
    assert i18n.has_label(key, "nl"), key
    assert i18n.label(key, "nl") != i18n.label(key, "en") or key in ("timing",), key


def test_every_outcome_and_behavioural_uncertainty_has_a_dutch_label():
    missing = [n for n in OUTCOMES if not i18n.has_label(n, "nl")]
    missing += [s.key for s in declarations() if s.section == "behaviour" and not i18n.has_label(s.key, "nl")]
    assert missing == []


def test_no_dutch_label_for_something_that_does_not_exist():
    known = set(OUTCOMES) | {s.key for s in declarations()}
    assert set(i18n.OUTCOME_NL) <= known
    assert set(i18n.PARAM_NL) <= known


def test_english_labels_come_from_the_declarations():
    assert i18n.label("members", "en") == OUTCOMES["members"].label
    spec = next(s for s in declarations() if s.key == "policy.privileged_share")
    assert i18n.label(spec.key, "en") == spec.label
    assert i18n.label("cofinancing") == LEVER_GROUPS["cofinancing"]


def fields(template):
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


@pytest.mark.parametrize("message_id", sorted(i18n.MESSAGES))
def test_every_message_in_both_languages_with_the_same_fields(message_id):
    entry = i18n.MESSAGES[message_id]
    assert set(entry) == set(i18n.LANGS)
    assert fields(entry["en"]) == fields(entry["nl"])


def test_every_choice_of_a_categorical_lever_has_a_dutch_label():
    for spec in declarations():
        for c in spec.choices or ():
            assert c in i18n.CHOICES_NL, (spec.key, c)


def test_events_translate_and_unknown_text_passes_through():
    assert (
        i18n.event("ended: 1,200 EUR refunded to members, 300 EUR to the agency", "nl")
        == "opgeheven: 1,200 EUR terug naar de leden, 300 EUR naar het agentschap"
    )
    assert (
        i18n.event("support stopped at evaluation (score 0.42)", "nl")
        == "steun gestopt na evaluatie (score 0.42)"
    )
    assert i18n.event("recognised as ibn", "en") == "recognised as IBN"
    assert i18n.event("something new", "nl") == "something new"


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="one of en, nl"):
        i18n.label("members", "fr")
