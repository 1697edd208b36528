"""The terminal view of a report: verdict, signals, and a coloured sentence map.

Every string that comes from the user (input name, headline, sentence text, model
name) goes through :func:`terminal_safe` first: a file named
``evil\\x1b]0;TITLE\\x07.txt`` would otherwise set the terminal's title, and a
bidi override would reverse the line it sits on.
"""

from __future__ import annotations

import re
import shutil
import sys
import textwrap
from collections.abc import Sequence

import click

from ..report import Report, SentenceReport
from ..report_records import Reason, TechniqueSpan
from ..signals.reasoning import OPENING_WORDS
from ..signals.technique_thresholds import STRONG, WEAK
from ..wording import counted

ROLE_STYLE: dict[str, dict[str, object]] = {
    "attributed": {"fg": "green"},
    "quote": {"fg": "cyan"},
    "unnamed_source": {"fg": "yellow", "underline": True},
    "claim": {},
    "opinion": {"fg": "yellow"},
    "appeal": {"fg": "magenta"},
    "question": {"fg": "blue"},
    "boilerplate": {"dim": True},
}
VERDICT_STYLE = {"reliable": "green", "unreliable": "red", "uncertain": "yellow"}

#: C0 and C1 controls, DEL, bidi marks, embeddings, overrides and isolates, line and
#: paragraph separators, lone surrogates: nothing a terminal should receive from the user.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def terminal_safe(text: str) -> str:
    """``text`` with every character of :data:`_UNSAFE` written as a Python escape (``\\x1b``)."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


#: What the "words" under each sentence are (shared with the HTML report).
TERMS_NOTE = (
    "words: the sentence's own words that carry its push, strongest first "
    "(+ towards unreliable, - towards reliable)"
)


#: What a technique's strength means (shared with the HTML report).
TECHNIQUE_NOTE = (
    "strong: at or above the technique's higher calibrated level; weak: above its lower level "
    "only; spans under it are not shown"
)


#: How close to a band edge a probability counts as "close to the line".
NEAR_THE_LINE = 0.05


def near_the_line(report: Report) -> str | None:
    """A note when P is within :data:`NEAR_THE_LINE` of an edge of the uncertain band."""
    p = report.probability
    for edge, side in zip(report.uncertain_band, ("reliable", "unreliable"), strict=True):
        if abs(p - edge) <= NEAR_THE_LINE:
            return (
                f"close to the line: P = {p:.2f} is {abs(p - edge):.2f} from {edge:.2f}, where "
                f"uncertain meets {side}; read the verdict as borderline"
            )
    return None


#: Where a sentence's |push| (log-odds) stops being each level; beyond the last: "strongly".
PUSH_LEVELS = ((0.05, "barely"), (0.15, "slightly"), (0.4, "moderately"))


def push_words(contribution: float) -> str:
    """A sentence's push on the verdict in plain words ("pushes towards unreliable, strongly").

    ``contribution`` is in log-odds, read against :data:`PUSH_LEVELS`: under 0.05 it barely
    moves the verdict, under 0.15 it pushes slightly, under 0.4 moderately, beyond that strongly.
    """
    size = abs(contribution)
    strength = next((word for top, word in PUSH_LEVELS if size < top), "strongly")
    if strength == "barely":
        return "barely moves the verdict"
    side = "unreliable" if contribution > 0 else "reliable"
    return f"pushes towards {side}, {strength}"


def push_numbers(contribution: float, share: float) -> str:
    """The push in numbers, for those who ask: log-odds, and the share of the article's push."""
    return f"{contribution:+.2f} log-odds; {abs(share):.0%} of the article's total push"


#: The PTC techniques in plain words.
TECHNIQUE_WORDS = {
    "Appeal_to_Authority": "appeal to authority",
    "Appeal_to_fear-prejudice": "appeal to fear or prejudice",
    "Bandwagon,Reductio_ad_hitlerum": "bandwagon or guilt by association",
    "Black-and-White_Fallacy": "false either-or",
    "Causal_Oversimplification": "oversimplified cause",
    "Doubt": "casting doubt",
    "Exaggeration,Minimisation": "exaggeration or minimisation",
    "Flag-Waving": "flag-waving",
    "Loaded_Language": "loaded language",
    "Name_Calling,Labeling": "name-calling",
    "Repetition": "repetition",
    "Slogans": "slogan",
    "Thought-terminating_Cliches": "thought-stopping cliché",
    "Whataboutism,Straw_Men,Red_Herring": "whataboutism, straw man or red herring",
}


def technique_words(label: str) -> str:
    """A technique's name in plain words (an unknown label with its underscores as spaces)."""
    return TECHNIQUE_WORDS.get(label, label.replace("_", " ").lower())


def named_techniques(spans: Sequence[TechniqueSpan]) -> list[tuple[str, str]]:
    """Each technique of ``spans`` once, in plain words, with its strongest mark, in order."""
    best: dict[str, str] = {}
    for span in spans:
        name = technique_words(span.label)
        if best.get(name) != STRONG:
            best[name] = span.strength
    return list(best.items())


def technique_marks(sentence: SentenceReport) -> list[tuple[str, str, list[str]]]:
    """Each technique of ``sentence`` once (as :func:`named_techniques`), with the words it
    marks, quoted from the sentence, each once and in order."""
    marked: dict[str, list[str]] = {}
    for span in sentence.techniques:
        text = sentence.text[span.start - sentence.start : span.end - sentence.start]
        words = " ".join(text.split())
        quoted = marked.setdefault(technique_words(span.label), [])
        if words and words not in quoted:
            quoted.append(words)
    return [
        (name, strength, marked[name]) for name, strength in named_techniques(sentence.techniques)
    ]


#: How the terminal draws a technique of each strength (strong bold, weak dim).
TECHNIQUE_STYLE: dict[str, dict[str, object]] = {
    STRONG: {"fg": "red", "bold": True},
    WEAK: {"fg": "red", "dim": True},
}


#: Sentence numbers listed under a reason before "and N more".
LISTED_SENTENCES = 10


def sentence_numbers(reason: Reason) -> str:
    """The reason's sentences as people number them ("sentences 1, 4, 7")."""
    numbers = [str(i + 1) for i in reason.sentences[:LISTED_SENTENCES]]
    more = len(reason.sentences) - len(numbers)
    listed = ", ".join(numbers) + (f" and {more} more" if more else "")
    return f"sentence{'' if len(reason.sentences) == 1 else 's'} {listed}"


def evidence_texts(report: Report, reason: Reason) -> list[str]:
    """Each evidence span's text on one line, with an ellipsis after a sentence's opening words
    (the evidence of a reason resting on whole sentences)."""
    ends = {s.start: s.end for s in report.sentences}
    out = []
    for e in reason.evidence:
        words = e.text.split()
        cut = ends.get(e.start, e.end) > e.end and len(words) >= OPENING_WORDS
        out.append(" ".join(words) + ("\u2026" if cut else ""))
    return out


def _bar(share: float, width: int = 10) -> str:
    n = min(width, round(abs(share) * width * 2))
    return ("+" if share > 0 else "-") * n if n else "·"


def render_terminal(report: Report, color: bool | None = None, width: int | None = None) -> str:
    """Readable text; ANSI colours when ``color`` (default: stdout is a terminal)."""
    use_color = sys.stdout.isatty() if color is None else color
    width = width or min(100, shutil.get_terminal_size((100, 20)).columns)

    def style(text: str, **kw: object) -> str:
        return click.style(text, **kw) if use_color else text  # type: ignore[arg-type]

    lines = [
        *([style(f"headline: {terminal_safe(report.title)}", bold=True)] if report.title else []),
        style(
            f"verdict: {report.verdict.upper()}  P(unreliable) = {report.probability:.2f}",
            fg=VERDICT_STYLE[report.verdict],
            bold=True,
        ),
        f"uncertain band: {report.uncertain_band[0]:.2f}-{report.uncertain_band[1]:.2f}"
        + (f"  ({report.abstain_reason})" if report.abstain_reason else ""),
        f"input: {terminal_safe(report.input_name)} ({report.input_kind}, "
        f"{counted(report.words, 'word')})"
        f"   model: {terminal_safe(report.model.name)} ({report.model.pipeline} pipeline)",
    ]
    near = near_the_line(report)
    if near:
        lines.append(style(near, fg="yellow"))
    if report.repaired_chars:
        lines.append(
            f"repaired {counted(report.repaired_chars, 'mis-decoded character')} (mojibake) "
            "before analysis"
        )
    if report.added_share is not None:
        lines.append(f"added commentary (not in the archive): {report.added_share:.0%} of words")
    if report.reasons:
        lines += [
            "",
            style("why (+ towards unreliable, - towards reliable; share of the push)", bold=True),
        ]
        for reason in report.reasons:
            sign = "+" if reason.direction == "unreliable" else "-"
            lines.append(
                style(f"  {sign} {reason.share:4.0%}  {terminal_safe(reason.text)}", bold=True)
            )
            quotes = ", ".join(f'"{terminal_safe(q)}"' for q in evidence_texts(report, reason))
            lines.append(
                textwrap.fill(
                    sentence_numbers(reason) + (f": {quotes}" if quotes else ""),
                    width=width,
                    initial_indent=" " * 9,
                    subsequent_indent=" " * 9,
                )
            )
    if report.signals:
        lines += ["", style("signals (value | reliable articles p10-p90)", bold=True)]
        for sig in report.signals:
            rng = (
                f"{sig.reliable_p10:.2f}-{sig.reliable_p90:.2f}"
                if sig.reliable_p10 is not None and sig.reliable_p90 is not None
                else "n/a"
            )
            outside = (
                sig.reliable_p90 is not None
                and sig.reliable_p10 is not None
                and not sig.reliable_p10 <= sig.value <= sig.reliable_p90
            )
            mark = style(" !", fg="red", bold=True) if outside else ""
            lines.append(f"  {sig.label or sig.name:<28} {sig.value:8.2f} | {rng}{mark}")
    lines += ["", style("sentences (push: + towards unreliable, - towards reliable)", bold=True)]
    for s in report.sentences:
        tags = [s.role] + ([s.provenance.status] if s.provenance is not None else [])
        push = push_words(s.contribution)
        head = f"{s.index + 1:>3} [{_bar(s.share):>10}] {', '.join(tags)}: {push}"
        lines.append(
            style(head, **ROLE_STYLE.get(s.role, {}))
            + style(f"  ({push_numbers(s.contribution, s.share)})", dim=True)
        )
        body = textwrap.fill(
            terminal_safe(" ".join(s.text.split())),
            width=width,
            initial_indent="      ",
            subsequent_indent="      ",
        )
        lines.append(style(body, **ROLE_STYLE.get(s.role, {})))
        if s.techniques:
            marks = "; ".join(
                style(f"{terminal_safe(name)} ({strength})", **TECHNIQUE_STYLE[strength])
                + "".join(f' "{terminal_safe(w)}"' for w in words)
                for name, strength, words in technique_marks(s)
            )
            lines.append(f"      techniques: {marks}")
        if s.words:
            lines.append(
                "      words: "
                + ", ".join(f'"{terminal_safe(w.text)}" ({w.weight:+.2f})' for w in s.words)
            )
        scores = s.scores()
        if scores:
            lines.append("      " + ", ".join(f"{sig.label} {value:.2f}" for sig, value in scores))
    legend = "  ".join(style(role, **st) for role, st in ROLE_STYLE.items())
    marks = "  ".join(style(f"{level} technique", **st) for level, st in TECHNIQUE_STYLE.items())
    lines += ["", f"legend: {legend}", f"techniques: {marks} ({TECHNIQUE_NOTE})", TERMS_NOTE]
    lines.append(report.notice)
    return "\n".join(lines)
