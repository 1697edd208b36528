"""Invented commentary sentences: the unsourced text a copy-and-comment site adds.

Written for the provenance evaluation (``veracity.task.provenance.v1``), which
mixes them into copies of archived articles as the sentences that must come
out ``added``.  None is quoted from any corpus; they cover the topics of the
shared corpora (politics, war, health, business, celebrities) in the tone of
the seed article's own additions.
"""

from __future__ import annotations

COMMENTARY: tuple[str, ...] = (
    "Seems like nobody in Washington saw this coming, which tells you everything.",
    "Make no mistake, this was planned from the very beginning.",
    "You would think the so-called experts would have learned something by now.",
    "Of course the mainstream media will never report the real story behind this.",
    "We warned our readers about exactly this months ago and were laughed at.",
    "Let that sink in for a moment before you go back to your morning coffee.",
    "This is what happens when career politicians are left in charge of anything.",
    "Nobody should be surprised that the elites are protecting their own again.",
    "Ask yourself who really profits when ordinary families are left to pay the bill.",
    "The silence from the usual pundits on the cable channels is deafening.",
    "If this does not make your blood boil, nothing will.",
    "Just another day in the swamp, folks, and the taxpayers foot the bill.",
    "Funny how these scandals always surface right before an election.",
    "Share this story before it gets buried by the fact checkers.",
    "We all know how this is going to end, and it is not pretty.",
    "Somebody needs to be held accountable, but we all know nobody will be.",
    "The hypocrisy here is truly breathtaking, even by their standards.",
    "Remember this the next time they lecture you about honesty.",
    "Our sources tell us the full truth is far worse than anyone admits.",
    "Big pharma must be thrilled with how this turned out for their shareholders.",
    "Doctors we spoke to privately were stunned, but none dared to say it on the record.",
    "Your government clearly thinks you are too stupid to notice what is going on.",
    "It is almost as if they want another war, and they will get one.",
    "The generals will get their medals while the soldiers get the coffins.",
    "Nobody voted for this, yet here we are again.",
    "Hollywood has once again shown how out of touch it is with real Americans.",
    "Fans deserve better than this publicity stunt dressed up as a love story.",
    "Her publicist must be working overtime to clean up this mess.",
    "Rumor has it the whole wedding was a contract negotiated by their agents.",
    "Wall Street is laughing all the way to the bank while Main Street suffers.",
    "The so-called recovery only ever reached the people who did not need it.",
    "Mark our words, prices will double before the end of next year.",
    "This virus story keeps changing depending on which bureaucrat is talking.",
    "Who exactly gave these unelected officials the power to run our lives?",
    "We did a little digging of our own, and what we found was shocking.",
    "Apparently asking simple questions now makes you a conspiracy theorist.",
    "The timing of this announcement is certainly no accident.",
    "Anyone with a shred of common sense can see through this charade.",
    "The press conference was a masterclass in saying nothing at all.",
    "Expect the usual outrage from the usual suspects within the hour.",
    "Let us pray that cooler heads prevail before it is too late.",
    "History will not be kind to the cowards who stayed quiet.",
    "This administration has lied to us so often that nobody believes a word anymore.",
    "Grab your popcorn, because this circus is only getting started.",
    "It takes real talent to fail this spectacularly with this much money.",
    "Our readers have been flooding our inbox with stories just like this one.",
    "The official explanation simply does not add up, no matter how you slice it.",
    "They are counting on you forgetting all about this by next week.",
    "If the roles were reversed, the outrage machine would be running day and night.",
    "In the end, the little guy always pays for the mistakes of the powerful.",
    "Stay tuned, because we will be following this story closely.",
    "Some of us have been saying this for years, and now the proof is here.",
)
