"""Which group fits: a few skippable questions, then one to three suggestions with a reason each.

Answers are kept as short codes in the state (never typed text). Buttons: w:a:<question>:<code>
(code 'skip' = "zeg ik liever niet"), w:done (show suggestions now), w:again (start over).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from content.loader import SKIP, fellowships, matching_table
from conversations.buttons import MENU_ID, button, grid
from conversations.context import Context
from conversations.flows.base import Action, Flow, Step, table
from conversations.matching import Match, Suggestion, answers_from_text, match, next_question
from conversations.types import Button, Reply
from storage import welcome

DONE_AFTER = 2  # offer "show my suggestions" once this many questions are answered
WIDE_LABEL = 18  # labels longer than this get a row of their own
KEPT_REASON = "which.reason.kept"  # shown when the suggestions are shown again (the answers are gone)


@dataclass(slots=True)
class WhichState:
    """The answers so far, as question id → option code."""

    answers: dict[str, str] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)  # once the outcome is shown: only the groups, no answers


class WhichFlow(Flow[WhichState]):
    """The which-group questionnaire and its answer."""

    name = "which"
    prefix = "w"
    State = WhichState
    first = "q"

    async def start(self, ctx: Context, arg: str = "") -> Reply:
        return Reply().add(ctx.t.t("which.intro")).extend(await self.go(ctx, "q", WhichState()))

    # --- input ----------------------------------------------------------------------------------

    async def on_answer(self, ctx: Context, st: WhichState, args: list[str]) -> Reply | None:
        table = matching_table()
        if len(args) != 2:
            return None
        qid, code = args
        if qid not in {q.id for q in table.questions}:
            return None
        if code != SKIP and code not in table.question(qid).options:
            return None
        st.answers[qid] = code
        return await self.go(ctx, "q", st)

    async def on_done(self, ctx: Context, st: WhichState, args: list[str]) -> Reply | None:
        return None if args else self.outcome(ctx, st, await self.load_welcoming(ctx, st))

    async def load_question(self, ctx: Context, st: WhichState) -> frozenset[str] | None:
        """What the question screen needs: nothing while a question is left, else as load_welcoming."""
        return None if next_question(st.answers) is not None else await self.load_welcoming(ctx, st)

    async def load_welcoming(self, ctx: Context, st: WhichState) -> frozenset[str]:
        """The fellowships with a meeting whose group welcomes newcomers at the door."""
        return await welcome.programs_on(ctx.db)

    def outcome(self, ctx: Context, st: WhichState, welcoming: frozenset[str] = frozenset()) -> Reply:
        """Show the suggestions; from here on only the groups are kept, not the answers (who, what, ...)."""
        found = match(st.answers)
        self.enter(ctx, "result", WhichState(kept=found.programs))
        return self.result_reply(ctx, found, welcoming)

    async def on_again(self, ctx: Context, st: WhichState, args: list[str]) -> Reply | None:
        return None if args else await self.start(ctx)

    async def typed(self, ctx: Context, st: WhichState, text: str) -> Reply | None:
        """Typed words may answer questions ('ik gok', 'my wife drinks'); only the codes are kept."""
        found = answers_from_text(text, st.answers)
        if not found:
            return None
        st.answers.update(found)
        return await self.go(ctx, "q", st)

    # --- screens --------------------------------------------------------------------------------

    def question(self, ctx: Context, st: WhichState, data: Any) -> Reply:
        """The next question that applies, or the suggestions when none is left."""
        question = next_question(st.answers)
        if question is None:
            return self.outcome(ctx, st, data if isinstance(data, frozenset) else frozenset())
        t = ctx.t
        labels = [
            self.button(t.t(f"which.opt.{question.id}.{code}"), "a", question.id, code)
            for code in question.options
        ]
        width = 1 if max(len(b.label) for b in labels) > WIDE_LABEL else 2
        rows = grid(labels, width)
        rows.append([self.button(t.t("which.skip"), "a", question.id, SKIP)])
        if len(st.answers) >= DONE_AFTER:
            rows.append([self.button(t.t("which.done"), "done")])
        return Reply().add(t.t(f"which.q.{question.id}"), rows)

    def result(self, ctx: Context, st: WhichState, data: frozenset[str] | None) -> Reply:
        """The suggestions again (after a restart or /taal), from the groups kept: the reasons are gone."""
        if st.answers:  # a state from before the answers were dropped: drop them now
            st = WhichState(kept=match(st.answers).programs)
            self.enter(ctx, "result", st)
        kept = tuple(Suggestion(p, KEPT_REASON) for p in st.kept if p in fellowships())
        return self.result_reply(ctx, Match(kept, ()), data or frozenset())

    def result_reply(self, ctx: Context, found: Match, welcoming: frozenset[str] = frozenset()) -> Reply:
        """One message per suggestion (with its buttons), then hints and a way to start over."""
        t, lang = ctx.t, ctx.lang
        profiles = fellowships()
        reply = Reply().add(t.t("which.result.intro"))
        for n, suggestion in enumerate(found.suggestions, start=1):
            profile = profiles[suggestion.program]
            short = profile.text(lang, "short")
            pid = suggestion.program
            text = t.t(
                "which.result.item", n=n, name=profile.text(lang, "name"), reason=t.t(suggestion.reason)
            )
            rows = [
                [button(t.t("which.btn.learn", short=short), "l", "f", pid)],
                [button(t.t("which.btn.meetings", short=short), "n", "start", pid)],
                [button(t.t("which.btn.trial", short=short), "t", "start", pid)],
            ]
            reply.add(text, rows)
        closing = [t.t(key) for key in found.notes] + [t.t("which.result.after")]
        if any(s.program in welcoming for s in found.suggestions):  # someone of the group can welcome them
            closing.append(t.t("welcome.which_hint"))
        rows = [[self.button(t.t("which.restart"), "again"), Button(t.t("nav.menu"), MENU_ID)]]
        return reply.add("\n\n".join(closing), rows)

    steps = table(
        {"q": Step(question, load=load_question, text=typed), "result": Step(result, load=load_welcoming)}
    )
    actions = table({"a": Action(on_answer), "done": Action(on_done), "again": Action(on_again)})
