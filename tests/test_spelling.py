"""Spelling stage: typos fixed against vocabularies with their casing kept; correct rare words never touched."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cleaner.cli import main
from cleaner.core.page import Page, restore_text
from cleaner.core.pipeline import clean_text, make_context
from cleaner.rulebook.load import default_rules_dir
from cleaner.stages import STAGE_NAMES, Context
from cleaner.stages.spelling import CorpusWords, SpellingStage, edit_cost, first_letter_explained

PROSE = ("The therapeutic relationship is the connection developed between the therapist and the client over time, "
         "and it matters in counselling and psychotherapy alike.")


def spell(text: str, ctx: Context, lang: str | None = None) -> Page:
    page = Page(text, meta={"lang": lang} if lang else None)
    SpellingStage().apply(page, ctx)
    return page


def fixes(page: Page) -> list[tuple[str, str]]:
    return [(e.before, e.after) for e in page.edits if e.stage == "spelling"]


@pytest.mark.parametrize("typo", ["relatoonship", "relatjonship", "rellationship", "relatonship", "relationdhip"])
def test_typos_of_a_vocabulary_word_are_fixed(typo: str, ctx: Context) -> None:
    page = spell(f"{PROSE} Why do you need to see a {typo} therapist at all?", ctx)
    assert fixes(page) == [(typo, "relationship")]
    assert restore_text(page.text, page.edits) == page.raw


def test_fix_reason_names_candidate_score_and_vocabulary(ctx: Context) -> None:
    page = spell(f"{PROSE} Without it there is no effective or therapeutkc therapy.", ctx)
    (edit,) = [e for e in page.edits if e.stage == "spelling"]
    assert edit.rule == "spelling.typo"
    assert "'therapeutic'" in edit.reason and "vocabulary 'counselling'" in edit.reason and "score" in edit.reason
    assert edit.detail is not None and edit.detail["candidate"] == "therapeutic" and edit.detail["score"] > 75


@pytest.mark.parametrize(("typo", "fixed"), [("Gherapeutic", "Therapeutic"), ("Relagionship", "Relationship"), ("Theeapeutic", "Therapeutic")])
def test_sentence_start_keeps_its_capital(typo: str, fixed: str, ctx: Context) -> None:
    page = spell(f"{PROSE} {typo} work needs trust between the client and the therapist.", ctx)
    assert fixes(page) == [(typo, fixed)]


def test_capitalised_word_mid_sentence_is_a_name(ctx: Context) -> None:
    page = spell(f"{PROSE} We met Relagionship and Brendan at the door of the clinic yesterday.", ctx)
    assert fixes(page) == []


@pytest.mark.parametrize("text", [
    "Wilson, who was at HMP Grendon at the time, says he would play badminton with him over lunch.",
    "Researching the reference points of therapeutic work in the birstonas school of existential therapy.",
    "Medical Dictionary, © Farlex and Partners. The essential missing link in the VAMC approach is the relationship.",
    "Fertility acupuncturists need to be aware of their patients' needs. He's based in Shoreditch.",
    "The oak, Quercus robur, grows beside Acer campestre; lorem ipsum dolor sit amet is placeholder Latin.",
    "It can be especially shat to clients who have struggled forming relationships in their past.",
])
def test_correct_rare_words_are_never_fixed(text: str, ctx: Context) -> None:
    assert fixes(spell(f"{PROSE} {text}", ctx)) == []


def test_urls_emails_code_and_numbers_are_untouched(ctx: Context) -> None:
    text = (f"{PROSE} See https://example.com/relatoonship-guide or write to relatoonship@example.org today.\n"
            "Use code THERAPY24 or call 0800 555 0199; the variable relatoonship_count = 3;\n")
    assert fixes(spell(text, ctx)) == []


def test_stuck_punctuation_is_stripped_before_checking(ctx: Context) -> None:
    page = spell(f"{PROSE} Why relationshi; the therapeutic relationship matters (rellationship) to us.", ctx)
    assert fixes(page) == [("relationshi", "relationship"), ("rellationship", "relationship")]
    assert "relationship;" in page.text and "(relationship)" in page.text


def test_glued_lowercase_words_are_split_once(ctx: Context) -> None:
    page = clean_text(f"{PROSE}\nThis applies to all forms of counselling and psychotherapyand regardless of the approach.\n", ctx)
    spelling = [e for e in page.edits if e.stage == "spelling"]
    assert [(e.before, e.after, e.rule) for e in spelling] == [("psychotherapyand", "psychotherapy and", "spelling.glued")]
    assert not [e for e in page.edits if e.stage == "normalize" and "psychotherapy" in e.before]


def test_non_english_page_is_untouched(ctx: Context) -> None:
    text = ("La relación terapéutica es el vínculo entre el terapeuta y el paciente. Sin esta relacion no hay terapia "
            "efectiva, y la relatoonship se construye con confianza, respeto y empatía durante las sesiones.")
    page = spell(text, ctx)
    assert page.meta["lang"] == "es"
    assert fixes(page) == []


def test_foreign_line_on_an_english_page_is_untouched(ctx: Context) -> None:
    page = spell(f"{PROSE}\nNo te entendi ni verga no se ingles sinseramente vine por mi hermana\n", ctx)
    assert fixes(page) == []


def test_fixing_is_idempotent(ctx: Context) -> None:
    raw = f"{PROSE} Relagionship strong bond is crucial; the relatoonship and therapeutkc work grow over time."
    once = clean_text(raw, ctx).text
    assert "Relationship strong bond" in once and "therapeutic work" in once
    assert clean_text(once, ctx).text == once


def test_corpus_vocabulary_from_the_scan_pass(ctx: Context) -> None:
    """A word frequent in the corpus is vocabulary (kept) and a candidate for its rare near-misses."""
    stage = SpellingStage()
    col = stage.collector(ctx)
    assert isinstance(col, CorpusWords)
    for i in range(4):
        col.add(f"Our zorbanite filters are tested. Every zorbanite panel ships today, page {i}.", "s", f"p{i}")
    stats_ctx = Context(rules=ctx.rules, stats={"spelling": col.finish()})
    page = Page(f"{PROSE} The zorbanite panels and one zorbanitte filter arrived.", site="s")
    stage.apply(page, stats_ctx)
    assert fixes(page) == [("zorbanitte", "zorbanite")]
    assert "corpus" in page.edits[0].reason


def test_vocabulary_selected_per_run(ctx: Context, tmp_path: Path) -> None:
    vocab = tmp_path / "garden.txt"
    vocab.write_text("# lang: en\nzorbanite\n", encoding="utf-8")
    run_ctx = make_context([default_rules_dir()], options={"vocab": [str(vocab)]})
    page = Page(f"{PROSE} The zorbanitte panel arrived, and the relatoonship held.")
    SpellingStage().apply(page, run_ctx)
    # only the selected list: the counselling vocabulary is off, wordfreq still knows 'relationship'
    assert fixes(page) == [("zorbanitte", "zorbanite"), ("relatoonship", "relationship")]
    assert "vocabulary 'garden'" in page.edits[0].reason


def test_edit_explanations() -> None:
    assert edit_cost("therapeuitc", "therapeutic")[1] == "transposed ti"
    assert "keyboard slip" in edit_cost("relatjonship", "relationship")[1]
    assert first_letter_explained("gherapeutic", "therapeutic")  # g is next to t
    assert not first_letter_explained("mherapeutic", "therapeutic")


def test_spell_command_prints_word_correction_reason() -> None:
    res = CliRunner().invoke(main, ["spell", "relatoonship", "Shoreditch", "birstonas"])
    assert res.exit_code == 0, res.output
    rows = [ln.split("\t") for ln in res.output.splitlines()]
    assert [r[:2] for r in rows] == [["relatoonship", "relationship"], ["Shoreditch", "Shoreditch"], ["birstonas", "birstonas"]]
    assert all(len(r) == 3 and r[2] for r in rows)
    res = CliRunner().invoke(main, ["spell", "--general-only"], input="therapeutkc\n")
    assert res.output.split("\t")[:2] == ["therapeutkc", "therapeutic"]
    assert "general en" in res.output


def test_spell_command_scores_a_misspelling_list(tmp_path: Path) -> None:
    tsv = tmp_path / "m.tsv"
    tsv.write_text("relatoonship\trelationship\nbeutiful\tbeautiful\nbirstonas\tbirstonas\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["spell", "--file", str(tsv)])
    assert res.exit_code == 0, res.output
    assert "2 misspellings: fixed right 2" in res.output


def test_spelling_runs_after_spam_and_before_tidy() -> None:
    assert STAGE_NAMES.index("spam") < STAGE_NAMES.index("spelling") < STAGE_NAMES.index("tidy")


def _rules_with(tmp_path: Path, yaml_text: str, words: str, name: str) -> list[Path]:
    d = tmp_path / "extra" / "spelling"
    d.mkdir(parents=True)
    (d / f"{name}.txt").write_text(words, encoding="utf-8")
    (d / f"{name}.yaml").write_text(yaml_text, encoding="utf-8")
    return [default_rules_dir(), tmp_path / "extra"]


def test_a_vocabulary_for_the_page_language_enables_fixes_there(tmp_path: Path) -> None:
    dirs = _rules_with(tmp_path, "- id: spelling.vocab.terapia\n  type: vocabulary\n  path: terapia.txt\n  lang: es\n"
                       "  reason: Spanish therapy terms\n", "terapéutica\nrelación\nterapeuta\n", "terapia")
    ctx = make_context(dirs)
    text = ("La relación terapéutica es el vínculo entre el terapeuta y el paciente. Sin esta relación no hay terapia "
            "efectiva, y el terapuета no puede ayudar; la relacion terapeutica se construye con confianza y respeto.")
    page = spell(text.replace("terapuета", "terapueta"), ctx)
    assert page.meta["lang"] == "es"
    assert ("terapueta", "terapeuta") in fixes(page)
    assert all(before != "relación" for before, _ in fixes(page))


def test_a_vocabulary_scoped_to_a_site_applies_only_there(tmp_path: Path) -> None:
    dirs = _rules_with(tmp_path, "- id: spelling.vocab.widgets\n  type: vocabulary\n  path: widgets.txt\n  lang: en\n"
                       "  sites: [widgets.example]\n  reason: product names\n", "zorbanite\n", "widgets")
    ctx = make_context(dirs)
    text = f"{PROSE} The zorbanitte panels arrived on time and work well."
    on_site, elsewhere = Page(text, site="widgets.example"), Page(text, site="other.example")
    stage = SpellingStage()
    stage.apply(on_site, ctx)
    stage.apply(elsewhere, ctx)
    assert fixes(on_site) == [("zorbanitte", "zorbanite")]
    assert fixes(elsewhere) == []


def test_run_vocab_option_selects_vocabularies(tmp_path: Path) -> None:
    raw = tmp_path / "in"
    raw.mkdir()
    (raw / "p.txt").write_text(f"{PROSE}\nThe zorbanitte panel arrived, and the relatoonship held firm.\n", encoding="utf-8")
    vocab = tmp_path / "garden.txt"
    vocab.write_text("zorbanite\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["run", str(raw), "-o", str(tmp_path / "out"), "-q", "-j", "1", "--vocab", str(vocab)])
    assert res.exit_code == 0, res.output
    out = (tmp_path / "out" / "p.txt").read_text(encoding="utf-8")
    assert "zorbanite panel" in out and "relationship held" in out
    res = CliRunner().invoke(main, ["run", str(raw), "-o", str(tmp_path / "out2"), "-q", "--vocab", "nosuch"])
    assert res.exit_code != 0


def test_a_word_alone_gets_its_likeliest_correction() -> None:
    """`cleaner spell` without a page: no prose says the word is a name or jargon, so the ranking decides (the
    edits writers make often, the first letter kept, the commoner word); real words, acronyms and words with no
    near candidate stay."""
    words = ["cought", "recieved", "acheive", "untill", "Shoreditch", "NASA", "kitchen", "birstonas"]
    res = CliRunner().invoke(main, ["spell", "--general-only", *words])
    assert res.exit_code == 0, res.output
    rows = [ln.split("\t") for ln in res.output.splitlines()]
    assert [r[1] for r in rows] == ["caught", "received", "achieve", "until", "Shoreditch", "NASA", "kitchen", "birstonas"]
    assert "alone" in rows[0][2] and "general en" in rows[0][2]


def test_the_same_words_in_running_prose_keep_the_prose_gates(ctx: Context) -> None:
    """On a page the stage fixes a word wordfreq lists only on evidence: 'untill' stays (nothing on the page writes
    'until'), 'cought' is fixed in running prose on a page writing 'caught' again and again, not in a short line."""
    text = ("The referee cought the ball and waited untill the crowd was quiet before he spoke to the players.\n"
            "Every player caught the ball twice. They caught it again, and the coach caught it last before the break.\n"
            "The referee cought it once more.\n")
    page = spell(text, ctx)
    assert fixes(page) == [("cought", "caught")] and page.edits[0].start < 20


def test_glued_function_words_and_adjectives_are_split(ctx: Context) -> None:
    page = spell("The club said its financialrules would change, and thereis a vote on the pricingon tickets in spring.", ctx)
    assert fixes(page) == [("financialrules", "financial rules"), ("thereis", "there is"), ("pricingon", "pricing on")]


def test_derivations_spelt_the_english_way_only(ctx: Context) -> None:
    """A plural of a plural, a dropped e before -s, an -es after a plain consonant are no derivations: the page's
    word is meant. A sibling derivation of the same stem is a word of its own."""
    text = ("The rear mirrors fold in. The side mirrors are heated, and the mirrors dim at night; the mirrorss of the "
            "test car were cracked.\nYou can recompress the archive after you decompress it, then decompress it again.\n")
    assert fixes(spell(text, ctx)) == [("mirrorss", "mirrors")]


@pytest.mark.parametrize(("text", "expected"), [
    # a rarer long half beside 'the' (which starts few words: 'thesis', 'therapist'), a common 3-letter half
    ("We sat under thesycamore by the river and watched the boats go past all afternoon.", [("thesycamore", "the sycamore")]),
    ("Bring yourown lunch and lettheir parents know when the bus will leave.", [("yourown", "your own"), ("lettheir", "let their")]),
    # glue that wordfreq lists, after 'you' and before a very common word
    ("If youwant a seat at the front, please book early this year.", [("youwant", "you want")]),
    # a dash between two words parts them
    ("The first draft—wasnever approved by the board, so we wrote another one.", [("wasnever", "was never")]),
    # two content words: a rarer long half after an inflected common word
    ("The firm sent auditorsthroughout the region last spring to check the books.", [("auditorsthroughout", "auditors throughout")]),
])
def test_glue_with_rarer_or_shorter_halves_is_split(text: str, expected: list[tuple[str, str]], ctx: Context) -> None:
    page = spell(text, ctx)
    assert fixes(page) == expected
    assert all(e.rule == "spelling.glued" and "glued words" in e.reason for e in page.edits)
    assert restore_text(page.text, page.edits) == page.raw


def test_words_that_look_glued_but_are_words_stay(ctx: Context) -> None:
    """'where' + a preposition, a word and a suffix-word ('-ships', '-some', '-like'), a combining form, a derivation of
    a compound: English words, not glue."""
    text = ("The judge read the verdict, whereat the whole room fell silent for a while.\n"
            "The librarianships went to a mettlesome photoengraver who worked backhandedly and craftsmanlike all year.\n")
    assert fixes(spell(text, ctx)) == []


def test_function_words_that_are_pieces_of_words_are_learnt_from_the_list(ctx: Context) -> None:
    """How often a function word starts or ends a listed word made of it and another word is read from wordfreq:
    'in', 'be' (inside, behind) and a final 'on' (person) often, 'the' and 'of' seldom; beside the former a rare half is
    no glue ('bedimmed')."""
    from cleaner.stages.spelling import Speller

    sp = Speller(SpellingStage().settings(ctx), [], "en")
    limit = int(sp.cfg.glued["bound_max_words"])
    assert sp._bound("in", True) > limit and sp._bound("be", True) > limit and sp._bound("on", False) > limit
    assert sp._bound("the", True) <= limit and sp._bound("of", True) <= limit
    assert fixes(spell("The lamps bedimmed as the storm rolled in over the hills that evening.", ctx)) == []


def test_keyboard_neighbours_follow_the_staggered_rows() -> None:
    from cleaner.stages.spelling import adjacent

    assert adjacent("g", "b") and adjacent("g", "t") and adjacent("g", "y") and adjacent("a", "z")
    assert not adjacent("g", "n") and not adjacent("g", "r") and not adjacent("q", "s")


@pytest.mark.parametrize(("text", "expected"), [
    # a silent e kept before -ing is no derivation of 'close', even on a page that writes 'close'
    ("They close at six. The closing time is six, the closing bell rings, and every closeing time this week is the same "
     "for the staff.", [("closeing", "closing")]),
    # a vowel for the first vowel, from a word the page writes
    ("The police said enforcement of the new rules starts in May, and enforcement will be strict. Strict inforcement of "
     "the rules is what residents asked for at the meeting.", [("inforcement", "enforcement")]),
    # a silent e added is a speller's letter, not a stray key: the listed 'thinke' is the page's 'think'
    ("I think the plan works. I think we agree, but I thinke we should wait one more week before we tell the rest of the "
     "team about it.", [("thinke", "think")]),
    # a citation mark stuck to the word, an ellipsis between two words, a plural '(s)' in prose
    ("The local authorities met on Monday. The authorities said the road would reopen soon, and the regional "
     "auyhorities.[12] agreed with the plan.\nThe delay was normal eneugh…for a project of this size, and enough people "
     "had said so, and that was enough.\nFind the root cause(s) of the fault: the configuraton of the server had a problem, "
     "and the configuration was fixed by the configuration team.",
     [("auyhorities", "authorities"), ("eneugh", "enough"), ("configuraton", "configuration")]),
])
def test_typos_of_the_pages_words_in_more_places(text: str, expected: list[tuple[str, str]], ctx: Context) -> None:
    page = spell(text, ctx)
    assert fixes(page) == expected
    assert all(e.rule == "spelling.typo" and "from page" in e.reason for e in page.edits)
    assert restore_text(page.text, page.edits) == page.raw


def test_a_rare_word_a_vowel_from_a_page_word_stays(ctx: Context) -> None:
    """'apposite' (listed, Zipf 2.3) on a page writing 'opposite': the first-vowel rule never overrules a listed word
    without overwhelming evidence, and the general list never offers a first vowel changed ('occident')."""
    text = ("The opposite side of the street is quiet, and the opposite view is common. Her apposite remark about the "
            "street ended the long debate, as the occident and the orient met at the meeting.")
    assert fixes(spell(text, ctx)) == []


@pytest.mark.parametrize(("text", "expected"), [
    # two costlier edits from a common word the page writes three times
    ("Tell us about the trip. It was about a week long, and about six of us went, and we talked abought it for a long "
     "time after.", [("abought", "about")]),
    # ... written only at the start of sentences: one of the language's commonest words, no name
    ("Because it rained, we stayed in. Because the roads were shut, we waited. Because of that we were late, bacuse the "
     "bus did not come until noon that day.", [("bacuse", "because")]),
    # a first vowel confused in a word of six letters, from the page's words
    ("Anyone can join the club. We told anyone who asked, and if enyone wants to come along next week, they can just "
     "turn up at the hall.", [("enyone", "anyone")]),
])
def test_common_words_of_the_page_misspelt_further(text: str, expected: list[tuple[str, str]], ctx: Context) -> None:
    page = spell(text, ctx)
    assert fixes(page) == expected
    assert all("from page" in e.reason for e in page.edits)


def test_a_rare_word_two_edits_from_a_rarer_page_word_stays(ctx: Context) -> None:
    """'simulable' is two edits from 'simulate', which the page writes three times; 'simulate' is no common word, and
    a rarer word's near neighbours are often words: the costlier edits are for common words only."""
    text = ("We simulate the circuit first. To simulate it we need a model, and we simulate it again: the whole system "
            "is simulable in a few hours on one laptop.")
    assert fixes(spell(text, ctx)) == []


@pytest.mark.parametrize(("text", "expected"), [
    # listed glue before 'the' or 'that', after a demonstrative
    ("We walked slowly againstthe wind and got home late, and thistime nobody minded at all.",
     [("againstthe", "against the"), ("thistime", "this time")]),
    # the near word the split gave way to ('eyesore') is refused: the split stands
    ("The display shows where the reader's eyesare looking at any moment during the test.", [("eyesare", "eyes are")]),
])
def test_listed_glue_and_glue_whose_near_word_is_refused(text: str, expected: list[tuple[str, str]], ctx: Context) -> None:
    page = spell(text, ctx)
    assert fixes(page) == expected and all(e.rule == "spelling.glued" for e in page.edits)


def test_pronouns_and_long_prepositions_glued_are_split(ctx: Context) -> None:
    page = spell("The guests arrived early, so we asked them to jointhem at the table and they leftwithout a word after dinner.", ctx)
    assert fixes(page) == [("jointhem", "join them"), ("leftwithout", "left without")]


def test_a_first_letter_confused_by_sound_or_vowel_only_for_the_pages_words(ctx: Context) -> None:
    assert first_letter_explained("sertainly", "certainly", vowels=True) and first_letter_explained("enyone", "anyone", vowels=True)
    assert not first_letter_explained("sertainly", "certainly") and not first_letter_explained("apposite", "opposite")
    text = ("It was certainly late. We certainly knew it, and we certainly said so, but it was sertainly too late to "
            "change the plan for the day.")
    assert fixes(spell(text, ctx)) == [("sertainly", "certainly")]


def test_listed_rare_words_are_not_fixed_from_the_general_list(ctx: Context) -> None:
    """wordfreq lists 'footfall' (2.34) and 'continua' (2.21), one edit from far commoner words: real rare words; from
    Zipf 1.7 on the general list overrules a listed word only for a word ~1,250 times commoner, as the misspellings it
    lists are of the commonest words ('geting' 2.07 / getting 5.57)."""
    text = ("The quiet footfall of the guard was the only sound, and the mathematician wrote that such continua are rare "
            "in practice.\nThe weather was beutiful and the staff gave us a warm welcome at the hotel that week.\n"
            "We were geting ready to leave the hotel when the rain started again in the late afternoon.")
    assert fixes(spell(text, ctx)) == [("beutiful", "beautiful"), ("geting", "getting")]


@pytest.mark.parametrize(("text", "expected"), [
    # English writes im- only before b, m, p: no derivation of 'formation'
    ("The information desk is open. Ask for information there, and the imformation you need will be printed for you.",
     [("imformation", "information")]),
    # a stem of four letters ('woul') is too short to make 'wouls' and 'would' two endings of one word
    ("We would go early. They would come too, and we wouls all meet at the station before the train left at noon.",
     [("wouls", "would")]),
    # -men for -man needs a word before it ('strawmen'), not 'hu'
    ("Every human needs sleep. A human can go without food for weeks, but no humen can skip sleep for long without harm.",
     [("humen", "human")]),
    # another word with the same prefix must be a common word ('underpaid'), not de- + 'mand'
    ("The demand rose. The demand for power grew, and the demaned for water grew as well during the long dry summer.",
     [("demaned", "demand")]),
])
def test_look_alike_derivations_and_inflections_are_typos(text: str, expected: list[tuple[str, str]], ctx: Context) -> None:
    assert fixes(spell(text, ctx)) == expected


def test_real_inflections_and_prefixed_siblings_stay(ctx: Context) -> None:
    text = ("They will underpay the staff again: the firm underpaid them last year, and it underpays the cleaners even now.\n"
            "The scarecrows and the strawmen of the debate were knocked down one by one by the strawman argument.\n")
    assert fixes(spell(text, ctx)) == []


def test_glue_with_two_readings_is_kept(ctx: Context) -> None:
    """'wereplace' reads 'were place' or 'we replace' (content words within readings_margin Zipf): kept; 'couplethis' is
    'couple this', hardly 'couplet his'."""
    page = spell("If wereplace the old pump this spring, we can couplethis pipe to the new tank before the summer starts.", ctx)
    assert fixes(page) == [("couplethis", "couple this")]
