"""Word lists and compiled cue rules behind the rule-based sentence roles.

A cue rule is a small regex plus the trigger words it can start from.  One
trie-shaped regex over all trigger words finds candidate positions in a
sentence in a single C-level scan; only there are the rules tried, inside a
small window.  This keeps a sentence at a few microseconds instead of running
dozens of long alternations over it.

Patterns run on lower-cased text of the same length as the original and are
tolerant of the tokenised research form ("obama s", "can t", "said :"), so
cased prose and the research form give the same cues.  Apostrophes may be
``'``, a space, or missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

APOS = r"(?:'|\u2019| )?"

ATTRIBUTION = "attribution"
IDIOM = "idiom"
VAGUE = "vague_source"
OPINION = "opinion"
HEDGE = "hedge"
APPEAL = "appeal"
BOILERPLATE = "boilerplate"

# fmt: off
SPEECH_VERBS = [
    "said", "says", "told", "tells", "stated", "added", "explained", "noted", "wrote", "writes",
    "argued", "claimed", "asserted", "insisted", "warned", "announced", "acknowledged", "admitted",
    "confirmed", "denied", "testified", "tweeted", "declared", "stressed", "emphasised",
    "emphasized", "remarked", "responded", "replied", "commented", "alleged", "reported", "cited",
    "recalled", "conceded", "predicted", "urged", "asked", "answered", "posted",
]
# fmt: on

#: Nouns that make "<noun> say" an attribution ("officials say", "experts say"; "sources say"
#: is an unnamed source).
# fmt: off
SAYERS = [
    "officials", "experts", "analysts", "critics", "police", "authorities", "scientists",
    "researchers", "witnesses", "residents", "investigators", "prosecutors", "lawmakers", "doctors",
    "economists", "diplomats", "aides", "organisers", "organizers", "studies", "polls",
]
# fmt: on

OUTLETS = ["reuters", "ap", "afp", "bloomberg", "cnn", "bbc", "upi", "tass", "xinhua"]

COGNITIVE = (
    "think|thought|believe|believed|feel|felt|suspect|guess|doubt|wonder|hope|fear|wish|"
    "suppose|reckon|find|consider|know"
)

# fmt: off
EVALUATIVE = [
    "obvious", "obviously", "clearly", "epic", "failure", "disgusting", "disgraceful", "shameful",
    "shameless", "pathetic", "ridiculous", "absurd", "outrageous", "stupid", "idiotic", "insane",
    "crazy", "terrible", "horrible", "horrific", "awful", "incredible", "incredibly", "amazing",
    "brilliant", "sick", "sickening", "evil", "corrupt", "disaster", "disastrous", "despicable",
    "vile", "appalling", "laughable", "hypocrite", "hypocritical", "hypocrisy", "sadly",
    "unfortunately", "thankfully", "fortunately", "frankly", "honestly", "undoubtedly", "surely",
    "truly", "blatant", "blatantly", "shocking", "shockingly", "unbelievable", "pitiful", "moronic",
    "nonsense", "garbage", "ludicrous", "outrage", "scandalous", "wonderful", "fantastic", "worst",
    "beautiful", "ugly", "deplorable", "treasonous", "traitor", "thug", "thugs", "puppet", "clown",
    "sheer", "utter", "utterly", "absolutely", "totally", "literally", "disgrace", "betrayal",
    "madness", "insanity", "farce", "sham", "lunatic", "lunatics",
]
# fmt: on

#: Evaluative phrases, each keyed by its most distinctive word.
EVALUATIVE_PHRASES = {
    "course": r"of\s+course",
    "doubt": r"no\s+doubt",
    "needless": r"needless\s+to\s+say",
    "mistake": r"make\s+no\s+mistake",
    "fact": r"the\s+fact\s+is",
    "truth": r"(?:the\s+)?truth\s+is",
    "ashamed": r"should\s+be\s+ashamed",
    "embarrassed": r"should\s+be\s+embarrassed",
}

#: Hedges that on their own make a sentence speculative opinion.
# fmt: off
SPECULATIVE = [
    "seem", "seems", "seemed", "seemingly", "apparently", "perhaps", "maybe", "probably",
    "presumably", "supposedly", "arguably",
]
# fmt: on

#: Further hedges: counted, but they do not make a sentence an opinion.
# fmt: off
HEDGE_WORDS = [
    "possibly", "conceivably", "allegedly", "reportedly", "likely", "unlikely", "suggest",
    "suggests", "somewhat", "rumored", "rumoured",
]
# fmt: on
HEDGE_PHRASES = {
    "appear": r"appear\s+to",
    "appears": r"appears\s+to",
    "appeared": r"appeared\s+to",
    "possible": r"it\s+is\s+possible",
    "could": r"could\s+be",
    "might": r"might\s+be",
    "may": r"may\s+be",
    "sort": r"sort\s+of",
    "kind": r"kind\s+of",
    "opinion": r"in\s+my\s+opinion",
    "knows": r"who\s+knows",
}

IMPERATIVE_VERBS = (
    "share|join|call|contact|tell|stop|wake|stand|demand|remember|imagine|look|watch|read|sign|"
    "help|support|vote|pray|donate|act|fight|resist|spread|boycott|refuse|ask|think|consider|"
    "don'?t|do\\s+not|never|let|please|make|get|go|keep|protect|defend|rise|speak|write|email|"
    "like|follow|subscribe"
)


@dataclass(frozen=True)
class Rule:
    """One cue: its family, its name, the words it starts from, how it matches.

    ``pattern`` None: the trigger word alone is the cue.  ``anchored``: the
    pattern starts at the trigger word (one ``match`` call); otherwise it is
    searched in a window around the trigger and must cover it.
    """

    family: str
    kind: str
    triggers: tuple[str, ...]
    pattern: re.Pattern[str] | None = None
    anchored: bool = True


def _rule(
    family: str,
    kind: str,
    triggers: str | list[str],
    pattern: str | None = None,
    anchored: bool = True,
) -> Rule:
    words = tuple(triggers.split()) if isinstance(triggers, str) else tuple(triggers)
    return Rule(family, kind, words, re.compile(pattern) if pattern else None, anchored)


def _vague(triggers: str, pattern: str) -> Rule:
    """A cue of an unnamed or vague source, searched around its trigger words."""
    return _rule(VAGUE, "vague_source", triggers, pattern, anchored=False)


def _words(words: list[str]) -> str:
    return r"(?:" + "|".join(sorted(words, key=len, reverse=True)) + r")\b"


#: The object of "told" in an attribution ("told reporters", "told the bbc").
TOLD = r"told\s+(?:reporters|journalists|the\s+\w+|an?\s+\w+|\w+)\b"
#: A speech verb after an unnamed source, which the vague cue covers so that it names no one.
VAGUE_VERB = (
    rf"(?:{TOLD}|say|says|said|added|wrote|claim|claims|claimed|allege|alleged|suggest|suggests|"
    r"suggested|indicate|indicates|indicated|believe|believes|warned|insisted|confirmed)\b"
)
#: Unnamed sources whenever they are unnamed ("an anonymous official"), and people who are
#: sources only when a speech verb follows ("an unnamed nurse said", not "an unidentified man").
UNNAMED_SOURCES = r"(?:sources?|officials?|insiders?|aides?|diplomats?|spokes(?:man|woman|person))"
UNNAMED_PEOPLE = (
    r"(?:people|persons?|someone|employees?|staff(?:ers?)?|nurses?|doctors?|officers?|members?|"
    r"workers?|residents?|witness(?:es)?|man|woman)"
)
#: Adjectives that leave a source unnamed ("according to unnamed officials", "media reports").
UNNAMED_ADJECTIVES = (
    "unnamed|anonymous|unidentified|some|many|several|multiple|various|unconfirmed|media|news|"
    "press|local|two|three|four"
)


def _speaker(core: str, gap: int = 5, speaks: bool = False) -> str:
    """``core``, a marker of an unnamed speaker, with the speech verb that goes with it: one up
    to four words before it ('," said a source close to'), or one up to ``gap`` words after it
    ("people familiar with the matter said"); ``speaks``: only with a verb after it ("an unnamed
    nurse said", not "an unidentified man was hurt")."""
    before = r"(?:\b(?:said|says|added|wrote)\s+(?:[\w',]+\s+){0,4}?)?"
    after = rf"(?:\s*,)?(?:\s+[\w']+){{0,{gap}}}?\s+{VAGUE_VERB}"
    return before + core + (after if speaks else f"(?:{after})?")


# Every pattern below sees lower-cased text.
RULES: tuple[Rule, ...] = (
    _rule(ATTRIBUTION, "according_to", "according", r"according\s+to\b"),
    _rule(ATTRIBUTION, "as_saying", "quoted", r"quoted\b[^.!?]{0,120}?\bas\s+saying\b"),
    _rule(
        ATTRIBUTION,
        "statement",
        "statement interview release conference briefing",
        r"\b(?:in|issued|during|at)\s+an?\s+(?:\w+\s+){0,2}?(?:statement|interview|"
        r"press\s+release|news\s+conference|press\s+conference|briefing)\b",
        anchored=False,
    ),
    _rule(
        ATTRIBUTION,
        "told",
        "told",
        TOLD,
    ),
    _rule(
        ATTRIBUTION,
        "outlet",
        OUTLETS,
        _words(OUTLETS) + r"\s+(?:reported|reports|said|says|quoted|wrote)\b",
    ),
    _rule(ATTRIBUTION, "spokesperson", "spokesman spokeswoman spokesperson"),
    _rule(
        ATTRIBUTION,
        "sayers_say",
        SAYERS,
        _words(SAYERS) + r"\s+(?:say|believe|estimate|warn|claim)\b",
    ),
    _rule(ATTRIBUTION, "speech_verb", SPEECH_VERBS),
    _rule(
        IDIOM,
        "idiom",
        "said",
        r"\b(?:that|having|the|aforementioned|was|is|be|been|i|we)\s+said\b"
        r"|\bsaid\s+and\s+done\b",
        anchored=False,
    ),
    _vague(
        "reported said claimed rumored rumoured believed alleged",
        r"\bit(?:\s+(?:was|is|has\s+been|had\s+been|will\s+be)|(?:'|\u2019|\s)s(?:\s+been)?)\s+"
        r"(?:(?:widely|long|previously|also|now|often|commonly|generally|further)\s+)?"
        r"(?:reported|said|claimed|rumou?red|believed|alleged)\b",
    ),
    _vague("widely", r"widely\s+(?:reported|rumou?red|said)\b"),
    _vague(
        "say says said claim claimed believe think feel argue saying",
        r"\b(?:some|many|most)\s+(?:(?:people|observers|commentators|critics|experts|analysts|"
        r"officials)\s+)?(?:say|says|said|claim|claimed|believe|think|feel|argue)\b"
        r"|\bpeople\s+are\s+saying\b",
    ),
    _vague(
        "sources insiders reports rumors rumours",
        rf"\b(?:sources|insiders|reports|rumou?rs)\s+(?:have\s+|had\s+)?{VAGUE_VERB}",
    ),
    _vague(
        "according",
        rf"according\s+to\s+(?:(?:{UNNAMED_ADJECTIVES})\s+){{1,2}}"
        r"(?:sources|officials|reports|insiders|people|rumou?rs|accounts)\b"
        r"|according\s+to\s+(?:sources|reports|insiders|rumou?rs)\b",
    ),
    _vague(
        "familiar",
        _speaker(
            r"(?:according\s+to\s+)?(?:[\w-]+\s+)?(?:people|persons?|sources?|someone|officials|"
            r"insiders)\s+(?:[\w-]+\s+)?familiar\s+with\b"
        ),
    ),
    _vague(
        "close",
        _speaker(
            r"\b(?:sources?|someone|persons?|people|insiders?|aides?|allies|friends?)\s+"
            r"close\s+to\s+[\w']+"
        ),
    ),
    _vague(
        "asked requested wished preferred declined",
        _speaker(
            r"\b(?:who\s+|which\s+|and\s+)?(?:(?:asked|requested|wished|preferred)\s+"
            r"(?:\w+\s+){0,2}?not|declined)\s+to\s+be\s+(?:named|identified)\b",
            gap=0,
        ),
    ),
    _vague(
        "condition anonymity",
        _speaker(
            rf"\b(?:(?:said|says|{TOLD})\s+)?"
            r"(?:(?:on|under)\s+(?:the\s+)?condition\s+of|requested|granted|given)\s+anonymity\b",
            gap=0,
        ),
    ),
    _vague(
        "unnamed anonymous unidentified",
        _speaker(
            rf"\b(?:unnamed|anonymous|unidentified)\s+(?:[\w-]+\s+){{0,2}}?{UNNAMED_SOURCES}\b"
        ),
    ),
    _vague(
        "unnamed anonymous unidentified",
        _speaker(
            rf"\b(?:unnamed|anonymous|unidentified)\s+(?:[\w-]+\s+){{0,2}}?{UNNAMED_PEOPLE}\b",
            speaks=True,
        ),
    ),
    _rule(
        OPINION,
        "first_person_view",
        COGNITIVE.replace("|", " "),
        rf"\b(?:i|we)(?:\s+\w+){{0,2}}\s+(?:{COGNITIVE})\b",
        anchored=False,
    ),
    _rule(OPINION, "speculation", SPECULATIVE),
    _rule(OPINION, "evaluative", EVALUATIVE),
    *(
        _rule(OPINION, "evaluative", key, rf"\b{pat}\b", anchored=False)
        for key, pat in EVALUATIVE_PHRASES.items()
    ),
    _rule(HEDGE, "hedge", SPECULATIVE + HEDGE_WORDS),
    *(
        _rule(HEDGE, "hedge", key, rf"\b{pat}\b", anchored=False)
        for key, pat in HEDGE_PHRASES.items()
    ),
    _rule(APPEAL, "lets", "let lets", rf"let{APOS}s\b|lets\b|let\s+us\b"),
    _rule(
        APPEAL,
        "pray",
        "pray bless",
        r"\b(?:hope\s+(?:and|an|&)\s+pray|we\s+pray|pray\s+(?:for|that)|god\s+bless)\b",
        anchored=False,
    ),
    _rule(
        APPEAL,
        "must",
        "must need have should ought got gotta",
        r"\b(?:we|you|americans|everyone|everybody|people)\s+(?:all\s+)?"
        r"(?:must|need\s+to|have\s+to|should|ought\s+to|got\s+to|gotta)\b",
        anchored=False,
    ),
    _rule(
        APPEAL,
        "call_to_action",
        "share spread wake stand speak sign call contact tell join time let please forget",
        rf"\b(?:share\s+(?:this|if|the\s+news)|spread\s+the\s+word|wake\s+up|stand\s+up|"
        rf"speak\s+out|sign\s+the\s+petition|call\s+your|contact\s+your|tell\s+your|"
        rf"join\s+us|it{APOS}s\s+time\s+to|it\s+is\s+time\s+to|don{APOS}t\s+let|"
        rf"do\s+not\s+let|never\s+forget|please\s+\w+)\b",
        anchored=False,
    ),
    _rule(
        BOILERPLATE,
        "boilerplate",
        "share subscribe cookie cookies featured h tip click copyright rights sign newsletter "
        "follow like read advertisement credit source images photo related watch via c "
        "privacy terms article",
        r"\b(?:share\s+(?:this\s+(?:article|story|post)|on)|subscribe|cookies?|featured\s+image|h\s*/\s*t|hat\s+tip|"
        r"click\s+here|copyright|all\s+rights\s+reserved|sign\s+up\s+for|newsletter|"
        r"follow\s+us|like\s+us\s+on|read\s+more|advertisement|photo\s+credit|"
        r"image\s+credit|image\s+source|getty\s+images|(?:ap|afp|reuters)\s+photo|"
        r"related\s*:|watch\s*:|via\s+(?:twitter|youtube|facebook)|\(c\)|"
        r"privacy\s+policy|terms\s+of\s+(?:use|service)|"
        r"this\s+article\s+(?:was\s+)?(?:originally\s+)?(?:appeared|published))",
        anchored=False,
    ),
)


def _trie(words: set[str]) -> str:
    """A regex alternation of ``words`` shaped as a trie (fast to fail)."""
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return emit(tree)


def _trigger_table() -> dict[str, tuple[Rule, ...]]:
    table: dict[str, list[Rule]] = {}
    for rule in RULES:
        for word in rule.triggers:
            table.setdefault(word.lower(), []).append(rule)
    return {word: tuple(rules) for word, rules in table.items()}


#: Trigger word -> the rules to try where it occurs.
TRIGGERS = _trigger_table()
#: Every trigger: each a lower-case word of letters (a test checks it).
TRIGGER_WORDS = frozenset(TRIGGERS)
#: One scan for every trigger word (over lower-cased text).
TRIGGER_SCAN = re.compile(r"\b(?:" + _trie(set(TRIGGERS)) + r")\b")
#: How far before / after a trigger a rule's match may reach.
WINDOW_BEFORE = 40
WINDOW_AFTER = 140

#: An imperative at the very start of the sentence ("Share this", "Wake up").
IMPERATIVE_START = re.compile(
    rf"^\W*(?:(?:now|so|and|just|please)\s+)?(?:{IMPERATIVE_VERBS})\b(?!\s*(?:s|ed|ing)\b)"
    rf"(?!\s+(?:is|was|are|were|has|had|will|would|of|in|to|for)\b)"
)
FIRST_PERSON = re.compile(
    rf"\b(?:i|we|our|ours|us|my|me|mine|i{APOS}m|i{APOS}ve|we{APOS}re|we{APOS}ve)\b"
)
#: Trailing attribution: the sentence ends ", X said" / "... as saying".
TRAILING_ATTRIBUTION = re.compile(
    rf",\s*(?:[\w.'\-]+\s+){{0,14}}(?:{'|'.join(SPEECH_VERBS)}|told\s+\w+|as\s+saying)\b"
    r"[^,]{0,60}$"
)
QUOTE_CHARS = '"\u201c\u201d\u201e'
#: A quoted stretch of at least two words.
QUOTED_SPAN = re.compile(
    r"[\"\u201c\u201e][^\"\u201c\u201d\u201e]*\s[^\"\u201c\u201d\u201e]*[\"\u201d]"
)


def may_quote(text: str) -> bool:
    """Whether ``text`` holds a character that can open a :data:`QUOTED_SPAN` (a quick test
    before the search)."""
    return '"' in text or "\u201c" in text or "\u201e" in text


QUESTION_END = re.compile(r"\?[\s\"'\u201d\u2019)\]]*$")
COPYRIGHT_SIGN = "\u00a9"

#: Orthographic signals counted per article.
ALL_CAPS_WORD = re.compile(r"\b[A-Z][A-Z']{3,}\b")
