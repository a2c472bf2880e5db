"""The `shopscore` command: parse options, call `shopscore.api`, hand results to a renderer.

Results go to stdout, progress and problems to stderr, so cron jobs and pipes get clean
JSON. Input errors are one red line and exit code 2; a traceback only with --debug.
Heavy imports (polars, the engine) happen inside commands so `--help` stays instant.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from shopscore.errors import ExitCode, ShopscoreError, most_severe
from shopscore.help import ENV, Command, Group

if TYPE_CHECKING:
    from rich.console import Console

# every help text is in shopscore/help.py, in zh and en; the group puts them in place
app = typer.Typer(
    name="shopscore",
    cls=Group,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
command = functools.partial(app.command, cls=Command)


class Format(StrEnum):
    table = "table"
    json = "json"
    markdown = "markdown"


class Lang(StrEnum):
    zh = "zh"
    en = "en"


# ---- shared options, declared once
PathArg = Annotated[Path, typer.Argument()]
FormatOpt = Annotated[Format, typer.Option("--format", "-f")]


def _group_lang(ctx: typer.Context, value: Lang) -> Lang:
    """``shopscore --lang en compute …``: the group's --lang where the command has none."""
    from typer._click.core import ParameterSource

    given = ctx.parent.params.get("lang") if ctx.parent is not None else None
    source = ctx.get_parameter_source("lang")
    if given is not None and source in (ParameterSource.DEFAULT, ParameterSource.ENVIRONMENT):
        return Lang(given)
    return value


#: the output language: --lang, else SHOPSCORE_LANG, else zh (the help follows it too)
LangOpt = Annotated[Lang, typer.Option("--lang", envvar=ENV, callback=_group_lang)]
ProfileOpt = Annotated[
    str | None,
    typer.Option("--profile", "-p"),
]
IndustryOpt = Annotated[str | None, typer.Option("--industry")]
DeductOpt = Annotated[float | None, typer.Option("--deduct")]
RecordOpt = Annotated[bool, typer.Option("--bad-record")]
BonusOpt = Annotated[list[str] | None, typer.Option("--bonus")]
ValuesOpt = Annotated[Path | None, typer.Option("--values")]
ShopTypeOpt = Annotated[str | None, typer.Option("--shop-type")]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of"),
]
CategoryOpt = Annotated[str | None, typer.Option("--category")]


class Shops(StrEnum):
    auto = "auto"
    one = "one"
    each = "each"


ShopsOpt = Annotated[
    Shops,
    typer.Option(
        "--shops",
    ),
]
ColumnsOpt = Annotated[
    Path | None,
    typer.Option("--columns"),
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache")]

FailBelowOpt = Annotated[
    float | None,
    typer.Option(
        "--fail-below",
    ),
]
MinCoverageOpt = Annotated[
    float,
    typer.Option(
        "--min-coverage",
        min=0.0,
        max=1.0,
    ),
]

_state: dict[str, Any] = {"debug": False}


def _print_version(value: bool) -> None:
    """``--version`` alone, without a command (an eager option runs before the command)."""
    if value:
        from shopscore import __version__

        typer.echo(f"shopscore {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True),
    ] = False,
    lang: Annotated[Lang | None, typer.Option("--lang", envvar=ENV)] = None,
) -> None:
    _state["debug"] = debug


def _err_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _out_console() -> Console:
    from rich.console import Console

    class _Out(Console):
        def on_broken_pipe(self) -> None:  # rich would exit 1: end with the command's code
            raise BrokenPipeError

    console = _Out(highlight=False, soft_wrap=False)
    if not console.is_terminal and not os.environ.get("COLUMNS"):  # files, pipes, cron mail
        console.width = 150  # wide enough for every column, unless COLUMNS says otherwise
    return console


@contextmanager
def _errors() -> Iterator[None]:
    """User errors → one line on stderr, exit 2; a bug → one line saying so and where the
    details were written, exit 70; a traceback only with --debug."""
    try:
        yield
        sys.stdout.flush()  # a closed pipe shows here, inside the handler, not at exit
    except ShopscoreError as exc:
        if _state["debug"]:
            raise
        _say_error(str(exc))
        raise typer.Exit(exc.exit_code) from None
    except (typer.Exit, KeyboardInterrupt):
        raise
    except BrokenPipeError:  # `| head` closed the pipe: end quietly
        _quiet_stdout()
        raise typer.Exit(_state.get("code", ExitCode.OK)) from None
    except Exception as exc:
        if _state["debug"]:
            raise
        from shopscore.api import internal_error

        _say_error(internal_error(exc))
        raise typer.Exit(ExitCode.INTERNAL) from None


def _say_error(message: str) -> None:
    from rich.markup import escape

    from shopscore.loaders.report import safe_text

    _err_console().print(f"[red]error:[/red] {escape(safe_text(message))}", soft_wrap=True)


def _quiet_stdout() -> None:
    """Point stdout at devnull so the interpreter's final flush cannot fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


#: the as-of days shopscore takes (event dates are read from 2000 on)
FIRST_AS_OF, LAST_AS_OF = date(2000, 1, 1), date(2999, 12, 31)


def _parse_day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise ShopscoreError(f"--as-of {value!r}: expected a date like 2026-10-31") from None
    if not FIRST_AS_OF <= day <= LAST_AS_OF:  # windows and forecasts reach years around it
        raise ShopscoreError(f"--as-of {value}: expected a day from {FIRST_AS_OF} to {LAST_AS_OF}")
    return day


def _load(path: Path, columns: Path | None, shops: Shops = Shops.auto, no_cache: bool = False) -> list[Any]:
    """Every shop under ``path``, loaded in this process (the reading shown on a terminal)."""
    return _load_planned(_find(path, columns, shops, no_cache))


WorkersOpt = Annotated[int | None, typer.Option("--workers", min=1)]


def _find(path: Path, columns: Path | None, shops: Shops, no_cache: bool) -> Any:
    """Which shops ``path`` holds (api.Planned), with the reading shown on a terminal."""
    from shopscore import api

    err = _err_console()
    mode: Literal["auto", "one", "each"] = shops.value
    if err.is_terminal:
        with err.status("reading exports…") as status:
            return api.find_shops(
                path, columns, mode, not no_cache, progress=lambda name: status.update(f"reading {name}")
            )
    return api.find_shops(path, columns, mode, not no_cache)


def _load_planned(planned: Any) -> list[Any]:
    """The planned shops loaded in this process, the reading shown on a terminal."""
    err = _err_console()
    if err.is_terminal:
        with err.status("reading exports…") as status:
            return list(planned.load(progress=lambda name: status.update(f"reading {name}")))
    return list(planned.load())


def _prepare(
    path: Path,
    as_of: str | None,
    profile: str | None,
    category: str | None,
    columns: Path | None,
    shops_mode: Shops,
    industry: str | None = None,
    shop_type: str | None = None,
    no_cache: bool = False,
) -> tuple[date | None, Any, list[Any]]:
    """What every scoring command starts with: the as-of day, the profile (checked against
    --category) and the loaded shops."""
    from shopscore import api

    day = _parse_day(as_of)
    prof = api.load_profile(profile, industry, shop_type)
    api.check_category(prof, category)
    return day, prof, _load(path, columns, shops_mode, no_cache)


def _shop_errors(results: list[Any]) -> ExitCode:
    """One line on stderr per shop that could not be scored; the run's exit code."""
    codes = [ExitCode.OK]
    for r in results:
        if r.status == "error":
            prefix = f"{r.shop}: " if len(results) > 1 and not r.error.startswith(f"{r.shop}: ") else ""
            _say_error(prefix + r.error)
            codes.append(ExitCode.INTERNAL if r.internal else ExitCode.INPUT_ERROR)
    return most_severe(codes)


def _emit_json(items: list[dict[str, Any]]) -> None:
    """A JSON array, one object per shop — also for one shop (SPEC §7: one shape for scripts)."""
    sys.stdout.write(json.dumps(items, ensure_ascii=False, indent=2, default=str) + "\n")


@command()
def inspect(
    path: PathArg,
    format: FormatOpt = Format.table,
    lang: LangOpt = Lang.zh,
    columns: ColumnsOpt = None,
    no_cache: NoCacheOpt = False,
    profile: ProfileOpt = None,
    industry: IndustryOpt = None,
    shop_type: ShopTypeOpt = None,
    shops_mode: ShopsOpt = Shops.auto,
) -> None:
    with _errors():
        from shopscore import api

        shops = _load(path, columns, shops_mode, no_cache)
        prof = api.load_profile(profile, industry, shop_type)
        for s in shops:
            if s.error:
                _say_error((f"{s.name}: " if len(shops) > 1 else "") + s.error)
        code = ExitCode.INPUT_ERROR if any(s.error for s in shops) else ExitCode.OK
        _state["code"] = code
        _render_inspect(shops, prof, format, lang)
        if code != ExitCode.OK:
            raise typer.Exit(code)


def _render_inspect(shops: list[Any], prof: Any, format: Format, lang: Lang) -> None:
    from shopscore import api

    if format == Format.json:
        _emit_json([api.inspect_json(s, prof) for s in shops])
        return
    reasons = [api.unknown_reasons(s, prof) for s in shops]
    if format == Format.markdown:
        from shopscore.report.markdown import render_inspect as md

        sys.stdout.write(
            "\n".join(
                md(s, api.metric_needs(s, prof, lang.value), r, lang.value)
                for s, r in zip(shops, reasons, strict=True)
            )
        )
        return
    from shopscore.report.table import render_inspect

    out = _out_console()
    for s, r in zip(shops, reasons, strict=True):
        render_inspect(s, api.metric_needs(s, prof, lang.value), r, out, lang.value)


@command()
def compute(
    path: PathArg,
    as_of: AsOfOpt = None,
    profile: ProfileOpt = None,
    industry: IndustryOpt = None,
    shop_type: ShopTypeOpt = None,
    category: CategoryOpt = None,
    format: FormatOpt = Format.table,
    lang: LangOpt = Lang.zh,
    columns: ColumnsOpt = None,
    no_cache: NoCacheOpt = False,
    shops_mode: ShopsOpt = Shops.auto,
    fail_below: FailBelowOpt = None,
    min_coverage: MinCoverageOpt = 0.8,
    deduct: DeductOpt = None,
    bonus: BonusOpt = None,
    bad_record: RecordOpt = False,
    values: ValuesOpt = None,
    workers: WorkersOpt = None,
) -> None:
    with _errors():
        from shopscore import api

        day = _parse_day(as_of)
        prof = api.load_profile(profile, industry, shop_type)
        api.check_category(prof, category)
        adjustments = api.parse_adjustments(prof, deduct, bonus, bad_record)
        planned = _find(path, columns, shops_mode, no_cache)
        if len(planned.plans) > 1 and values is None:  # an agency's shops, in worker processes
            lang_fixes = lang.value if format == Format.table else None
            task = api.ShopTask(
                profile=profile,
                industry=industry,
                shop_type=shop_type,
                as_of=day,
                category=category,
                adjustments=adjustments,
                lang=lang_fixes,
            )
            results = api.score_plans(planned, task, workers)
        else:
            shops = _load_planned(planned)
            page = _page(values, prof, shops, category)
            results = api.score_each(shops, prof, day, category, adjustments=adjustments, page=page)
        errors = _shop_errors(results)
        code = most_severe([errors, *(api.verdict(r, fail_below, min_coverage) for r in results)])
        _state["code"] = code
        if errors == ExitCode.OK or len(results) > 1 or format == Format.json:
            _render_scores(results, format, lang)
        if code != ExitCode.OK:
            raise typer.Exit(code)


def _page(values: Path | None, prof: Any, shops: list[Any], category: str | None) -> Any:
    """``--values FILE``: the readings of one shop's backend page and the profile fitted to
    them (None without the option)."""
    if values is None:
        return None
    from shopscore import api

    if len(shops) != 1:
        raise ShopscoreError(
            f"--values {values}: a values file is one shop's page, and {len(shops)} shops were found; "
            "pass that shop's folder"
        )
    if shops[0].error is not None:
        raise ShopscoreError(shops[0].error)
    return api.page(shops[0], prof, values, category)


def _render_scores(results: list[Any], format: Format, lang: Lang) -> None:
    if format == Format.json:
        _emit_json([r.to_json() for r in results])
        return
    if format == Format.markdown:
        from shopscore.report.markdown import render_multi as md_multi
        from shopscore.report.markdown import render_score as md

        head = [md_multi(results, lang.value)] if len(results) > 1 else []
        sys.stdout.write("\n\n".join([*head, *(md(r, lang.value) for r in results)]))
        return
    from shopscore import api
    from shopscore.report.table import render_multi, render_score

    out = _out_console()
    if len(results) > 1:
        render_multi(results, out, lang.value)
    for r in results:
        fixes = list(r.fixes) if r.fixes is not None else api.fix_first(r, lang=lang.value)
        render_score(r, out, lang.value, fixes)


DaysOpt = Annotated[int, typer.Option("--days")]


class Assume(StrEnum):
    frozen = "frozen"
    recent = "recent"


def _each_shop(shops: list[Any], run: Any) -> tuple[list[Any], ExitCode]:
    """``run(shop)`` per shop; a shop that fails is one error line (and a JSON error object),
    the others still run. Returns the results and the run's exit code."""
    from shopscore import api

    out: list[Any] = []
    codes = [ExitCode.OK]
    for shop in shops:
        prefix = f"{shop.name}: " if len(shops) > 1 else ""
        try:
            out.append(run(shop))
        except ShopscoreError as exc:
            if len(shops) == 1:
                raise
            _say_error(("" if str(exc).startswith(prefix) else prefix) + str(exc))
            out.append(_ShopError(shop.name, str(exc), False))
            codes.append(exc.exit_code)
        except Exception as exc:
            if _state["debug"] or len(shops) == 1:
                raise
            message = api.internal_error(exc)
            _say_error(prefix + message)
            out.append(_ShopError(shop.name, message, True))
            codes.append(ExitCode.INTERNAL)
    return out, most_severe(codes)


class _ShopError:
    """A shop of a multi-shop run that could not be evaluated."""

    def __init__(self, shop: str, message: str, internal: bool) -> None:
        self.shop, self.message, self.internal = shop, message, internal

    def to_json(self) -> dict[str, Any]:
        return {
            "shop": self.shop,
            "status": "error",
            "error": {"message": self.message, "internal": self.internal},
        }


def _run_each(shops: list[Any], run: Any, format: Format, lang: Lang, table: str, markdown: str) -> None:
    """Run per shop, render, and end with the run's exit code."""
    results, code = _each_shop(shops, run)
    _state["code"] = code
    _render_each(results, format, lang, table, markdown)
    if code != ExitCode.OK:
        raise typer.Exit(code)


def _render_each(results: list[Any], format: Format, lang: Lang, table: str, markdown: str) -> None:
    """JSON of every result, or each result through the named renderer of report/series.py."""
    if format == Format.json:
        _emit_json([r.to_json() for r in results])
        return
    from shopscore.report import series as render

    ok = [r for r in results if not isinstance(r, _ShopError)]
    if format == Format.markdown:
        sys.stdout.write("\n\n".join(getattr(render, markdown)(r, lang.value) for r in ok))
        return
    out = _out_console()
    for r in ok:
        getattr(render, table)(r, out, lang.value)


@command()
def trend(
    path: PathArg,
    days: DaysOpt = 90,
    as_of: AsOfOpt = None,
    profile: ProfileOpt = None,
    industry: IndustryOpt = None,
    shop_type: ShopTypeOpt = None,
    category: CategoryOpt = None,
    format: FormatOpt = Format.table,
    lang: LangOpt = Lang.zh,
    columns: ColumnsOpt = None,
    no_cache: NoCacheOpt = False,
    shops_mode: ShopsOpt = Shops.auto,
    deduct: DeductOpt = None,
    bonus: BonusOpt = None,
    bad_record: RecordOpt = False,
    values: ValuesOpt = None,
) -> None:
    with _errors():
        from shopscore import api

        day, prof, shops = _prepare(
            path, as_of, profile, category, columns, shops_mode, industry, shop_type, no_cache
        )
        adjustments = api.parse_adjustments(prof, deduct, bonus, bad_record)
        page = _page(values, prof, shops, category)
        _run_each(
            shops,
            lambda s: api.trend(s, prof, day, days, category, adjustments, page),
            format,
            lang,
            "render_trend",
            "markdown_trend",
        )


@command()
def forecast(
    path: PathArg,
    days: DaysOpt = 30,
    assume: Annotated[
        Assume,
        typer.Option(
            "--assume",
        ),
    ] = Assume.frozen,
    as_of: AsOfOpt = None,
    profile: ProfileOpt = None,
    industry: IndustryOpt = None,
    shop_type: ShopTypeOpt = None,
    category: CategoryOpt = None,
    format: FormatOpt = Format.table,
    lang: LangOpt = Lang.zh,
    columns: ColumnsOpt = None,
    no_cache: NoCacheOpt = False,
    shops_mode: ShopsOpt = Shops.auto,
    deduct: DeductOpt = None,
    bonus: BonusOpt = None,
    bad_record: RecordOpt = False,
    values: ValuesOpt = None,
) -> None:
    with _errors():
        from shopscore import api

        day, prof, shops = _prepare(
            path, as_of, profile, category, columns, shops_mode, industry, shop_type, no_cache
        )
        adjustments = api.parse_adjustments(prof, deduct, bonus, bad_record)
        page = _page(values, prof, shops, category)
        _run_each(
            shops,
            lambda s: api.forecast(s, prof, day, days, assume.value, category, adjustments, page),
            format,
            lang,
            "render_forecast",
            "markdown_forecast",
        )


@command()
def whatif(
    path: PathArg,
    set_: Annotated[
        list[str],
        typer.Option(
            "--set",
        ),
    ],
    as_of: AsOfOpt = None,
    profile: ProfileOpt = None,
    industry: IndustryOpt = None,
    shop_type: ShopTypeOpt = None,
    category: CategoryOpt = None,
    format: FormatOpt = Format.table,
    lang: LangOpt = Lang.zh,
    columns: ColumnsOpt = None,
    no_cache: NoCacheOpt = False,
    shops_mode: ShopsOpt = Shops.auto,
) -> None:
    with _errors():
        from shopscore import api

        settings = api.parse_settings(api.load_profile(profile, industry, shop_type), set_)
        day, prof, shops = _prepare(
            path, as_of, profile, category, columns, shops_mode, industry, shop_type, no_cache
        )
        results = api.score_each(shops, prof, day, category, settings)
        code = _shop_errors(results)
        _state["code"] = code
        if code == ExitCode.OK or len(results) > 1 or format == Format.json:
            _render_scores(results, format, lang)
        if code != ExitCode.OK:
            raise typer.Exit(code)


@command()
def target(
    path: PathArg,
    score: Annotated[float, typer.Option("--score")],
    as_of: AsOfOpt = None,
    profile: ProfileOpt = None,
    industry: IndustryOpt = None,
    shop_type: ShopTypeOpt = None,
    category: CategoryOpt = None,
    format: FormatOpt = Format.table,
    lang: LangOpt = Lang.zh,
    columns: ColumnsOpt = None,
    no_cache: NoCacheOpt = False,
    shops_mode: ShopsOpt = Shops.auto,
) -> None:
    with _errors():
        from shopscore import api

        day, prof, shops = _prepare(
            path, as_of, profile, category, columns, shops_mode, industry, shop_type, no_cache
        )
        _run_each(
            shops,
            lambda s: api.target(s, score, prof, day, category),
            format,
            lang,
            "render_target",
            "markdown_target",
        )


@command()
def diagnose(
    path: PathArg,
    metric: Annotated[
        str | None,
        typer.Option(
            "--metric",
            "-m",
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option("--by"),
    ] = None,
    top: Annotated[int, typer.Option("--top")] = 20,
    export: Annotated[
        Path | None,
        typer.Option(
            "--export",
        ),
    ] = None,
    as_of: AsOfOpt = None,
    profile: ProfileOpt = None,
    industry: IndustryOpt = None,
    shop_type: ShopTypeOpt = None,
    category: CategoryOpt = None,
    format: FormatOpt = Format.table,
    lang: LangOpt = Lang.zh,
    columns: ColumnsOpt = None,
    no_cache: NoCacheOpt = False,
    shops_mode: ShopsOpt = Shops.auto,
) -> None:
    with _errors():
        from shopscore import api

        if export is not None and export.suffix.lower() not in (".xlsx", ".csv"):
            raise ShopscoreError(f"--export {export}: expected a .xlsx or .csv file name")
        day, prof, shops = _prepare(
            path, as_of, profile, category, columns, shops_mode, industry, shop_type, no_cache
        )
        results, code = _each_shop(shops, lambda s: api.diagnose(s, metric, prof, day, by, top, category))
        _state["code"] = code
        reports = [r for r in results if not isinstance(r, _ShopError)]
        if export is not None:
            _export(reports, export, lang)
        if format == Format.json:
            _emit_json(
                [r.to_json(lang.value) if not isinstance(r, _ShopError) else r.to_json() for r in results]
            )
        elif format == Format.markdown:
            from shopscore.report.diagnose import markdown_diagnose

            sys.stdout.write("\n\n".join(markdown_diagnose(r, lang.value) for r in reports))
        else:
            from shopscore.report.diagnose import render_diagnose

            out = _out_console()
            for r in reports:
                render_diagnose(r, out, lang.value)
        if code != ExitCode.OK:
            raise typer.Exit(code)


def _export(reports: list[Any], target: Path, lang: Lang) -> None:
    """Each shop's diagnosis to ``target`` (several shops: ``<name>-<shop>.<ext>``)."""
    from shopscore.report.diagnose import write_csv, write_xlsx
    from shopscore.report.texts import DIAGNOSE_TEXT

    for r in reports:
        path = target if len(reports) == 1 else target.with_name(f"{target.stem}-{r.shop}{target.suffix}")
        try:
            written = [path] if path.suffix.lower() == ".xlsx" else []
            if written:
                write_xlsx(r, path, lang.value)
            else:
                written = write_csv(r, path, lang.value)
        except OSError as exc:
            raise ShopscoreError(
                f"--export {path}: cannot write it ({exc.strerror or exc}); check the folder"
            ) from None
        for p in written:
            _err_console().print(DIAGNOSE_TEXT["exported"][lang.value].format(path=p), soft_wrap=True)


class SummaryFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"
    wecom = "wecom"
    dingtalk = "dingtalk"
    feishu = "feishu"


HistoryOpt = Annotated[
    Path | None,
    typer.Option("--history"),
]


@command()
def summary(
    path: PathArg,
    format: Annotated[SummaryFormat, typer.Option("--format", "-f")] = SummaryFormat.text,
    history: HistoryOpt = None,
    post: Annotated[
        str | None,
        typer.Option("--post"),
    ] = None,
    fail_below: FailBelowOpt = None,
    fail_drop: Annotated[
        float | None,
        typer.Option("--fail-drop"),
    ] = None,
    min_coverage: MinCoverageOpt = 0.8,
    as_of: AsOfOpt = None,
    profile: ProfileOpt = None,
    industry: IndustryOpt = None,
    shop_type: ShopTypeOpt = None,
    category: CategoryOpt = None,
    lang: LangOpt = Lang.zh,
    columns: ColumnsOpt = None,
    no_cache: NoCacheOpt = False,
    shops_mode: ShopsOpt = Shops.auto,
    workers: WorkersOpt = None,
) -> None:
    with _errors():
        from shopscore import api
        from shopscore.history import History
        from shopscore.report.summary import blocks

        robot = (
            format.value
            if format in (SummaryFormat.wecom, SummaryFormat.dingtalk, SummaryFormat.feishu)
            else None
        )
        if post is not None and robot is None:
            raise ShopscoreError("--post needs --format wecom, dingtalk or feishu")
        day = _parse_day(as_of)
        prof = api.load_profile(profile, industry, shop_type)
        api.check_category(prof, category)
        planned = _find(path, columns, shops_mode, no_cache)
        results = None
        shops: list[Any] = []
        if len(planned.plans) > 1:  # an agency's shops, in worker processes
            task = api.ShopTask(
                profile=profile,
                industry=industry,
                shop_type=shop_type,
                as_of=day,
                category=category,
                forecast_days=30,
            )
            results = api.score_plans(planned, task, workers)
        else:
            shops = _load_planned(planned)
        store = History(history)
        try:
            found = api.summarize(
                shops, prof, day, category, store, fail_below, fail_drop, min_coverage, results=results
            )
        finally:
            store.close()
        for s in found:
            if s.result.status == "error":
                prefix = (
                    f"{s.shop}: " if len(found) > 1 and not (s.result.error or "").startswith(s.shop) else ""
                )
                _say_error(prefix + (s.result.error or ""))
        code = most_severe([s.code for s in found])
        _state["code"] = code
        if format == SummaryFormat.json:
            _emit_json([s.to_json() for s in found])
        elif robot is not None:
            _robot(blocks(found, lang.value, True, fail_below), robot, post, lang)
        else:
            text = blocks(found, lang.value, format == SummaryFormat.markdown, fail_below)
            sys.stdout.write("\n\n".join(text) + "\n")
        if code != ExitCode.OK:
            raise typer.Exit(code)


def _robot(texts: list[str], kind: str, url: str | None, lang: Lang) -> None:
    """Chat robot messages: printed as JSON lines, or sent to ``url``."""
    from shopscore.report import robots

    title = "shopscore 体验分日报" if lang == Lang.zh else "shopscore daily score"
    payloads = robots.messages(texts, kind, title)
    if url is None:
        for p in payloads:
            sys.stdout.write(json.dumps(p, ensure_ascii=False) + "\n")
        return
    sent = robots.post(url, payloads, kind)
    _err_console().print(f"sent {sent} message(s) to the {kind} robot", soft_wrap=True)


@command("history")
def history_command(
    path: Annotated[Path | None, typer.Argument()] = None,
    history: HistoryOpt = None,
    export: Annotated[Path | None, typer.Option("--export")] = None,
    format: FormatOpt = Format.table,
    lang: LangOpt = Lang.zh,
    columns: ColumnsOpt = None,
    no_cache: NoCacheOpt = False,
    shops_mode: ShopsOpt = Shops.auto,
) -> None:
    with _errors():
        from shopscore.history import History

        names = None
        if path is not None:
            names = [s.name for s in _load(path, columns, shops_mode, no_cache)]
        store = History(history)
        try:
            entries = store.entries(names)
        finally:
            store.close()
        if export is not None:
            _export_history(entries, export)
        if format == Format.json:
            _emit_json([e.to_json() for e in entries])
            return
        sys.stdout.write(_history_table(entries, lang.value))


def _history_table(entries: list[Any], lang: str) -> str:
    """The entries as a Markdown table (also the terminal's: it reads as one)."""
    from shopscore.report.texts import status_text, t

    names: dict[str, str] = {}

    def profile_name(ref: str) -> str:  # a profile file since moved keeps its recorded id
        if ref not in names:
            from shopscore.api import load_profile

            try:
                names[ref] = load_profile(ref).name(lang)
            except ShopscoreError:
                names[ref] = ref
        return names[ref]

    rows = [
        f"| {e.shop} | {profile_name(e.profile)} | {e.as_of} | {status_text(e.status, lang)} | "
        f"{_score_cell(e.score)} |"
        for e in entries
    ]
    header = "| " + " | ".join(t(c, lang) for c in ("shop", "profile", "as_of", "status", "score")) + " |"
    return "\n".join([header, "|---|---|---|---|---:|", *rows]) + "\n"


def _score_cell(score: float | None) -> str:
    return "—" if score is None else f"{score:.4f}"


def _export_history(entries: list[Any], target: Path) -> None:
    import polars as pl

    rows = [
        {
            "shop": e.shop,
            "profile": e.profile,
            "as_of": e.as_of,
            "recorded_at": e.recorded_at,
            "status": e.status,
            "score": e.score,
            **{f"dimension.{k}": v for k, v in e.dimensions.items()},
            **{f"metric.{k}": v for k, v in e.metrics.items()},
        }
        for e in entries
    ]
    frame = pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame({"shop": []})
    suffix = target.suffix.lower()
    try:
        if suffix == ".csv":
            frame.write_csv(target, include_bom=True)  # Excel reads the Chinese
        elif suffix == ".parquet":
            frame.write_parquet(target)
        else:
            raise ShopscoreError(f"--export {target}: expected a .csv or .parquet file name")
    except OSError as exc:
        raise ShopscoreError(f"--export {target}: cannot write it ({exc.strerror or exc})") from None


@command()
def report(
    path: PathArg,
    html: Annotated[str, typer.Option("--html")],
    days: Annotated[int, typer.Option("--days")] = 90,
    forecast_days: Annotated[int, typer.Option("--forecast-days")] = 30,
    as_of: AsOfOpt = None,
    profile: ProfileOpt = None,
    industry: IndustryOpt = None,
    shop_type: ShopTypeOpt = None,
    category: CategoryOpt = None,
    lang: LangOpt = Lang.zh,
    columns: ColumnsOpt = None,
    no_cache: NoCacheOpt = False,
    shops_mode: ShopsOpt = Shops.auto,
) -> None:
    with _errors():
        from shopscore import api
        from shopscore.report.html import render_html

        day, prof, shops = _prepare(
            path, as_of, profile, category, columns, shops_mode, industry, shop_type, no_cache
        )
        reports = api.report(shops, prof, day, category, days, forecast_days)
        code = _shop_errors([r.result for r in reports])
        _state["code"] = code
        page = render_html(reports, lang.value)
        if html == "-":
            sys.stdout.write(page)
        else:
            _write_page(Path(html), page)
            size = len(page.encode("utf-8")) / 1024
            _err_console().print(f"{html} ({size:,.0f} KB)", soft_wrap=True, highlight=False)
        if code != ExitCode.OK:
            raise typer.Exit(code)


def _write_page(target: Path, page: str, option: str = "--html") -> None:
    """Write through a temporary file beside the target, so a reader never sees half a page."""
    import tempfile

    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=target.parent or Path("."), suffix=".tmp", delete=False
        ) as f:
            f.write(page)
        Path(f.name).replace(target)
    except OSError as exc:
        raise ShopscoreError(f"{option} {target}: cannot write it ({exc.strerror or exc})") from None


@command()
def calibrate(
    path: PathArg,
    values: Annotated[Path, typer.Option("--values")],
    save: Annotated[Path | None, typer.Option("--save")] = None,
    profile: ProfileOpt = None,
    industry: IndustryOpt = None,
    shop_type: ShopTypeOpt = None,
    category: CategoryOpt = None,
    format: FormatOpt = Format.table,
    lang: LangOpt = Lang.zh,
    columns: ColumnsOpt = None,
    no_cache: NoCacheOpt = False,
    shops_mode: ShopsOpt = Shops.auto,
) -> None:
    with _errors():
        from shopscore.report import calibrate as render

        _day, prof, shops = _prepare(
            path, None, profile, category, columns, shops_mode, industry, shop_type, no_cache
        )
        page = _page(values, prof, shops, category)
        fit, shop = page.fit, shops[0].name
        if save is not None:
            _write_page(save, render.profile_toml(fit), "--save")
        if format == Format.json:
            _emit_json([render.fit_json(fit, shop)])
        elif format == Format.markdown:
            sys.stdout.write(render.render_markdown(fit, shop, lang.value))
        else:
            render.render_table(fit, shop, _out_console(), lang.value)


@command()
def metrics(
    profile: ProfileOpt = None,
    industry: IndustryOpt = None,
    shop_type: ShopTypeOpt = None,
    format: FormatOpt = Format.table,
    lang: LangOpt = Lang.zh,
) -> None:
    with _errors():
        from shopscore import api

        rows = api.describe_metrics(api.load_profile(profile, industry, shop_type))
        if format == Format.json:
            _emit_json([{"profile": rows[0]["profile"] if rows else None, "metrics": rows}])
            return
        if format == Format.markdown:
            from shopscore.report.markdown import render_metrics as md

            sys.stdout.write(md(rows, lang.value))
            return
        from shopscore.report.table import render_metrics

        render_metrics(rows, _out_console(), lang.value)


#: what a console that cannot show a mark prints instead (GBK consoles on Chinese Windows)
_FALLBACK_MARKS = {
    "✓": ("√", "v"),
    "✗": ("×", "x"),
    "⚠": ("!",),
    "↳": ("-",),
    "‹": ("<",),
    "›": (">",),
    "…": ("...",),
    "≈": ("~",),
    "—": ("-",),
    "·": ("-",),
    "↑": ("^",),
    "↓": ("v",),
    "→": ("->",),
}


def _ascii_marks(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc

    def one(ch: str) -> str:
        for cand in _FALLBACK_MARKS.get(ch, ()):
            try:
                cand.encode(exc.encoding)
                return cand
            except UnicodeEncodeError:
                continue
        return "?"

    return "".join(one(ch) for ch in exc.object[exc.start : exc.end]), exc.end


def _legible_streams() -> None:
    """Any console encoding works: marks it cannot encode become ASCII, never a crash."""
    import codecs

    codecs.register_error("shopscore-marks", _ascii_marks)
    for stream in (sys.stdout, sys.stderr):
        try:
            "✓✗⚠↳".encode(stream.encoding or "utf-8")
        except (UnicodeEncodeError, LookupError):
            reconfigure = getattr(stream, "reconfigure", None)
            if reconfigure is not None:
                reconfigure(errors="shopscore-marks")


#: polars' allocator (jemalloc) hands freed pages back to the system after 100 ms instead
#: of 10 s: a shop's files are read one after another, and what one file's parse freed
#: would otherwise still count in the process's memory when the next is parsed (the
#: 1M-order shop: 1.28 GB peak instead of 1.47 GB, at the same time). The seller's own
#: setting wins; it must be in the environment before polars is first imported.
MALLOC_CONF = ("_RJEM_MALLOC_CONF", "dirty_decay_ms:100,muzzy_decay_ms:0")


def main() -> None:
    """Console-script entry point."""
    if "polars" not in sys.modules:
        os.environ.setdefault(*MALLOC_CONF)
    _legible_streams()
    app()


if __name__ == "__main__":  # `python -m shopscore.cli`
    main()
