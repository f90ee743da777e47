"""Which group fits: a few skippable questions, then one to three suggestions with a reason each.

Answers are kept as short codes in ctx.data["answers"] (never typed text). Buttons: w:a:<question>:<code>
(code 'skip' = "zeg ik liever niet"), w:done (show suggestions now), w:again (start over).
"""

from __future__ import annotations

from content.loader import SKIP, Question, fellowships, matching_table
from conversations.context import Context
from conversations.flows.base import Flow
from conversations.matching import Match, Suggestion, answers_from_text, match, next_question
from conversations.types import Button, Reply

DONE_AFTER = 2  # offer "show my suggestions" once this many questions are answered
WIDE_LABEL = 18  # labels longer than this get a row of their own
KEPT_REASON = "which.reason.kept"  # shown when the suggestions are shown again (the answers are gone)


class WhichFlow(Flow):
    """The which-group questionnaire and its answer."""

    name = "which"
    prefix = "w"

    def answers(self, ctx: Context) -> dict[str, str]:
        raw = ctx.data.get("answers")
        return dict(raw) if isinstance(raw, dict) else {}

    async def start(self, ctx: Context, arg: str = "") -> Reply:
        ctx.goto(self.name, "q", answers={})
        return Reply().add(ctx.t.t("which.intro")).extend(self.advance(ctx, {}))

    async def show(self, ctx: Context) -> Reply:
        if ctx.step == "result" and isinstance(ctx.data.get("s"), list):
            return self.result_screen(ctx, stored_match(ctx.data))
        answers = self.answers(ctx)
        if ctx.step == "result":
            return self.result(ctx, answers)
        return self.advance(ctx, answers)

    async def on_button(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        table = matching_table()
        if action == "a" and len(args) == 2:
            qid, code = args
            if qid not in {q.id for q in table.questions}:
                return None
            if code != SKIP and code not in table.question(qid).options:
                return None
            answers = self.answers(ctx)
            answers[qid] = code
            return self.advance(ctx, answers)
        if action == "done" and not args:
            return self.result(ctx, self.answers(ctx))
        if action == "again" and not args:
            return await self.start(ctx)
        return None

    async def on_text(self, ctx: Context, text: str) -> Reply | None:
        """Typed words may answer questions ('ik gok', 'my wife drinks'); only the codes are kept."""
        if ctx.step != "q":
            return None
        answers = self.answers(ctx)
        found = answers_from_text(text, answers)
        if not found:
            return None
        answers.update(found)
        return self.advance(ctx, answers)

    # ------------------------------------------------------------------------------------- screens

    def advance(self, ctx: Context, answers: dict[str, str]) -> Reply:
        """Ask the next question that applies, or give the suggestions when none is left."""
        question = next_question(answers)
        if question is None:
            return self.result(ctx, answers)
        ctx.goto(self.name, "q", answers=answers)
        return self.ask(ctx, question, answers)

    def ask(self, ctx: Context, question: Question, answers: dict[str, str]) -> Reply:
        t = ctx.t
        labels = [
            self.button(t.t(f"which.opt.{question.id}.{code}"), "a", question.id, code)
            for code in question.options
        ]
        width = 1 if max(len(b.label) for b in labels) > WIDE_LABEL else 2
        rows = [labels[i : i + width] for i in range(0, len(labels), width)]
        rows.append([self.button(t.t("which.skip"), "a", question.id, SKIP)])
        if len(answers) >= DONE_AFTER:
            rows.append([self.button(t.t("which.done"), "done")])
        return Reply().add(t.t(f"which.q.{question.id}"), rows)

    def result(self, ctx: Context, answers: dict[str, str]) -> Reply:
        """The suggestions; from here on only they are kept, not the answers (who, what, psychiatric)."""
        found = match(answers)
        ctx.goto(self.name, "result", s=found.programs)
        return self.result_screen(ctx, found)

    def result_screen(self, ctx: Context, found: Match) -> Reply:
        """One message per suggestion (with its buttons), then hints and a way to start over."""
        t, lang = ctx.t, ctx.lang
        profiles = fellowships()
        reply = Reply().add(t.t("which.result.intro"))
        for n, suggestion in enumerate(found.suggestions, start=1):
            profile = profiles.get(suggestion.program)
            if profile is None:
                continue
            short = profile.text(lang, "short")
            pid = suggestion.program
            text = t.t(
                "which.result.item", n=n, name=profile.text(lang, "name"), reason=t.t(suggestion.reason)
            )
            rows = [
                [Button(t.t("which.btn.learn", short=short), f"l:f:{pid}")],
                [Button(t.t("which.btn.meetings", short=short), f"n:start:{pid}")],
                [Button(t.t("which.btn.trial", short=short), f"t:start:{pid}")],
            ]
            reply.add(text, rows)
        closing = [t.t(key) for key in found.notes] + [t.t("which.result.after")]
        rows = [[self.button(t.t("which.restart"), "again"), Button(t.t("nav.menu"), "m:home")]]
        return reply.add("\n\n".join(closing), rows)


def stored_match(data: dict) -> Match:
    """The suggested programs kept in the state; the reasons (which tell the answers) are not kept."""
    programs = [p for p in data.get("s") or [] if isinstance(p, str)]
    return Match(tuple(Suggestion(p, KEPT_REASON) for p in programs), ())


FLOW = WhichFlow()
