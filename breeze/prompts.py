"""Questions to the user. They never block: ``--answer`` decides, and without a TTY (or with
``CI=true``) the default is taken and said."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import questionary

if TYPE_CHECKING:
    from breeze.context import AppContext


def confirm(ctx: AppContext, question: str, *, default: bool, timeout: float | None = None) -> bool:
    if ctx.answer is not None:
        decision = ctx.answer == "yes"
        ctx.console.print(f"{question} [bold]{ctx.answer}[/] (from --answer)")
        return decision
    if not ctx.interactive:
        ctx.console.print(
            f"{question} [bold]{'yes' if default else 'no'}[/] (default: no terminal; use --answer to choose)"
        )
        return default
    prompt = questionary.confirm(question, default=default)
    if timeout is None:
        result = prompt.ask()
        return default if result is None else bool(result)

    async def ask() -> bool | None:
        answer = await prompt.ask_async()
        return None if answer is None else bool(answer)

    try:
        result = asyncio.run(asyncio.wait_for(ask(), timeout))
    except TimeoutError:
        ctx.console.print(f"No answer within {timeout:.0f} s: {'yes' if default else 'no'}.")
        return default
    return default if result is None else bool(result)
