"""Declared flows: each flow lists its steps and its actions in one table, and keeps one typed state.

A flow subclass declares, after its methods:

    steps = table({"mine": Step(mine_view, load=load_mine, text=typed_answer), ...})  # step → screen
    actions = table({"pause": Action(on_pause), "new": Action(on_new, only_from=("offer",))})

- A screen is a getter and a view (as aiogram-dialog's Window and getter): ``load(flow, ctx, state)`` reads
  storage and returns plain data; ``view(flow, ctx, state, data)`` builds the Reply and never queries.
- ``show()`` re-renders any declared step (after a restart, a sticker, /taal or a crisis screen), so a step
  without a screen cannot exist: ``enter()`` refuses an undeclared step.
- The state is a dataclass (``State``), stored as JSON and read back field by field (flows/state.py).
- An action with ``only_from`` belongs to those steps; pressed from anywhere else (an old button, e.g. after
  /stop) it does nothing and ``reenter`` shows where to start again instead (ask first, never enrol).

Adding a screen touches two places: its view (and getter) method, and its line in ``steps``. A button to it
is an ``actions`` line in the same table.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, ClassVar, Generic, TypeVar

from conversations.buttons import ButtonArg, button_id
from conversations.context import Context
from conversations.flows.state import NoState, dump_state, load_state
from conversations.types import Button, Reply

S = TypeVar("S")
V = TypeVar("V")

View = Callable[[Any, Context, Any, Any], Reply]
Loader = Callable[[Any, Context, Any], Awaitable[Any]]
TextParser = Callable[[Any, Context, Any, str], Awaitable[Reply | None]]
Handler = Callable[[Any, Context, Any, list[str]], Awaitable[Reply | None]]


@dataclass(frozen=True, slots=True)
class Step:
    """One screen: its getter (optional), its view, and the parser for text typed while it shows."""

    view: View
    load: Loader | None = None
    text: TextParser | None = None


@dataclass(frozen=True, slots=True)
class Action:
    """What a button does. `only_from`: the steps it belongs to; `reenter`: where an old press lands."""

    handler: Handler
    only_from: Collection[str] = ()
    reenter: Handler | None = None


def table(entries: dict[str, V]) -> Mapping[str, V]:
    """A flow's declared steps or actions, read-only."""
    return MappingProxyType(entries)


class Flow(Generic[S]):
    """A declared state machine. Handlers return a Reply, or None for input they do not recognise."""

    name: ClassVar[str] = ""
    prefix: ClassVar[str] = ""
    commands: ClassVar[tuple[str, ...]] = ()
    State: ClassVar[type] = NoState
    first: ClassVar[str] = ""
    steps: ClassVar[Mapping[str, Step]] = {}
    actions: ClassVar[Mapping[str, Action]] = {}

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        if cls.steps and cls.first not in cls.steps:
            raise TypeError(f"{cls.__name__}.first must be one of its steps")
        for name, action in cls.actions.items():
            if not set(action.only_from) <= set(cls.steps):
                raise TypeError(f"{cls.__name__}: action {name!r} names an undeclared step")

    # --- state ----------------------------------------------------------------------------------

    def state(self, ctx: Context) -> S:
        """This flow's typed state (a fresh one when the person is in another flow)."""
        if ctx.flow != self.name:
            return self.State()  # type: ignore[no-any-return]
        return load_state(self.State, ctx.data)

    def enter(self, ctx: Context, step: str, state: S | None = None) -> None:
        """Make `step` (a declared one) the current step, with `state` (or a fresh state)."""
        if step not in self.steps:
            raise KeyError(f"{self.name} has no step {step!r}")
        st = self.State() if state is None else state
        ctx.state = {"flow": self.name, "step": step, "data": dump_state(st)}

    def at(self, ctx: Context, *steps: str) -> bool:
        """Whether the person is in this flow at one of these steps (any step if none are named)."""
        return ctx.flow == self.name and (not steps or ctx.step in steps)

    # --- screens --------------------------------------------------------------------------------

    async def render(self, ctx: Context, step: str, state: S) -> Reply:
        """Load a step's data and build its reply (does not change the current step by itself)."""
        screen = self.steps[step]
        data = await screen.load(self, ctx, state) if screen.load is not None else None
        return screen.view(self, ctx, state, data)

    async def go(self, ctx: Context, step: str, state: S | None = None) -> Reply:
        """Enter a step and show it."""
        self.enter(ctx, step, state)
        return await self.render(ctx, step, self.state(ctx))

    async def show(self, ctx: Context) -> Reply:
        """Show the current step again; an unknown or foreign step shows the first one."""
        step = ctx.step if self.at(ctx) and ctx.step in self.steps else self.first
        return await self.go(ctx, step, self.state(ctx))

    async def start(self, ctx: Context, arg: str = "") -> Reply:
        """Enter the flow (from the menu, a deep link or another flow)."""
        return await self.go(ctx, self.first)

    def button(self, label: str, action: str, *args: ButtonArg) -> Button:
        """A button that comes back to this flow."""
        return Button(label=label, id=button_id(self.prefix, action, *args))

    # --- input ----------------------------------------------------------------------------------

    async def on_button(self, ctx: Context, action: str, args: list[str]) -> Reply | None:
        """Run the declared action; a forged or stale argument is not recognised."""
        declared = self.actions.get(action)
        if declared is None:
            return None
        handler = declared.handler
        if declared.only_from and not self.at(ctx, *declared.only_from):
            if declared.reenter is None:
                return None
            handler = declared.reenter
        try:
            return await handler(self, ctx, self.state(ctx), args)
        except (ValueError, IndexError):
            return None  # a forged or stale button: the engine answers kindly

    async def on_text(self, ctx: Context, text: str) -> Reply | None:
        """Text typed on a step goes to that step's parser, if it has one."""
        screen = self.steps.get(ctx.step) if self.at(ctx) else None
        if screen is None or screen.text is None:
            return None
        return await screen.text(self, ctx, self.state(ctx), text)

    async def on_location(self, ctx: Context, lat: float, lon: float) -> Reply | None:
        """A shared location (only the near-me flow uses it)."""
        return None

    async def on_command(self, ctx: Context, command: str, args: str) -> Reply | None:
        """One of this flow's `commands`."""
        return None
