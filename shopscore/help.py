"""`--help` and usage errors in zh or en: every help text of the CLI, and the click/typer
classes that put them in place.

The language is ``--lang`` when the command line has one (``shopscore compute --help
--lang en``), else the environment variable SHOPSCORE_LANG, else zh — the default output
language. Light on purpose: `shopscore --help` imports this and typer, nothing heavier.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from typer import _click  # typer's own copy of click: the classes its commands are built of
from typer._click.exceptions import UsageError
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from shopscore.loaders.messages import Message, localize

LANGS = ("zh", "en")
ENV = "SHOPSCORE_LANG"

APP = {
    "zh": "用抖店 / TikTok Shop 后台导出的数据重算并诊断店铺体验分（商家体验分）。分数为估算值。",
    "en": "Recompute and diagnose the Douyin Shop / TikTok Shop shop experience score from your own "
    "backend exports. Scores are estimates.",
}

#: each command's help (its first sentence is its line in `shopscore --help`)
COMMANDS: dict[str, dict[str, str]] = {
    "inspect": {
        "zh": "读取情况：各文件及其数据集、行数核对、日期范围、未识别的列、未归类的原因、"
        "问题，以及哪些指标缺少导出。",
        "en": "What shopscore found: files and their dataset, row accounting, date ranges, unmapped "
        "columns, unknown reasons, problems, and which metrics lack an export.",
    },
    "compute": {
        "zh": "重算每项指标、各维度分和体验分，并检查各道门槛。",
        "en": "Recompute every metric, the dimension scores and the composite; check thresholds.",
    },
    "calibrate": {
        "zh": "按后台「商家体验分」页面的读数（--values）拟合维度权重、指标权重和分档线，列出残差。",
        "en": "Fit the dimension weights, metric weights and cut-offs to readings of the backend "
        "shop experience score page (--values) and list the residuals.",
    },
    "trend": {
        "zh": "过去每天的体验分、维度分和指标值（第 D 天 = compute --as-of D）。",
        "en": "The composite, dimension and metric values per past day (day D = compute --as-of D).",
    },
    "forecast": {
        "zh": "随负向事件滑出考核期，未来每天的体验分，以及跨过门槛的日期。",
        "en": "The score per coming day as bad events leave the windows, and the days thresholds "
        "are crossed.",
    },
    "whatif": {
        "zh": "手动设定某些指标的数值后的结果：重算指标分、体验分和门槛。",
        "en": "The compute result with some metric values set by hand: scores, composite, "
        "thresholds recomputed.",
    },
    "target": {
        "zh": "要让体验分达到 --score，每项指标单独需要达到的数值（折合负向事件数），以及最省力的改进组合。",
        "en": "The value each metric alone must reach for the score to reach --score, in bad "
        "events, and a cheapest combination of changes.",
    },
    "diagnose": {
        "zh": "从指标追到记录：拆分、负向记录、滑出考核期的时间，以及先改什么。",
        "en": "From a metric to its records: breakdowns, bad records, aging, and what to fix first.",
    },
    "summary": {
        "zh": "每个店铺一段简报，适合定时任务和群聊；每次运行都记入历史。",
        "en": "A compact block per shop for cron and group chats; records each run in the history.",
    },
    "history": {
        "zh": "历次运行的记录：每次的店铺、截至日期、状态和分数（summary 与之比较）。",
        "en": "The recorded runs: shop, as-of day, status and score per run (what summary compares with).",
    },
    "report": {
        "zh": "一个可分享的 HTML 页面：体验分与门槛、各指标、先改这里及其拆分、走势与预测图。离线可打开。",
        "en": "One self-contained HTML page to share: score, thresholds, metrics, what to fix first "
        "with its breakdowns, and the trend and forecast charts. Opens offline.",
    },
    "metrics": {
        "zh": "规则中的每项指标：定义、考核期、方向、权重、最小样本。",
        "en": "Every metric of a profile: definition, window, direction, weight, minimum sample.",
    },
}

#: each parameter's help, by its name; ``command.name`` where one command's differs
PARAMS: dict[str, dict[str, str]] = {
    "path": {
        "zh": "导出文件所在的文件夹（子文件夹 = 店铺），或单个导出文件。",
        "en": "Folder of exports (sub-folders = shops), or one export file.",
    },
    "history.path": {
        "zh": "只看这个文件夹里的店铺（默认：所有记录过的店铺）。",
        "en": "Only the shops of this folder (default: every shop recorded).",
    },
    "format": {"zh": "输出格式。", "en": "Output format."},
    "summary.format": {
        "zh": "text、markdown、json，或群机器人的格式（wecom 企业微信、dingtalk 钉钉、feishu 飞书）。",
        "en": "text, markdown, json, or a chat robot's format.",
    },
    "lang": {
        "zh": "输出和帮助的语言（默认取环境变量 SHOPSCORE_LANG，否则为 zh）。",
        "en": "Language of the output and of this help (default: SHOPSCORE_LANG, else zh).",
    },
    "profile": {
        "zh": "评分规则：douyin、douyin-2023、douyin-2026，或一个 .toml 文件。",
        "en": "Rule profile: douyin, douyin-2023, douyin-2026, or a .toml file.",
    },
    "deduct": {
        "zh": "扣分项：从体验分中扣除的分数（按后台页面填写）。",
        "en": "Deductions: points taken from the score (as the backend page shows them).",
    },
    "values": {
        "zh": "后台「商家体验分」页面的读数（TOML，见 README）：当天用页面上的数字并标出与自算的差别，"
        "并按读数校准维度权重和分档线。",
        "en": "Readings of the backend shop experience score page (TOML, see README): the page's "
        "figures are used on their days, differences from shopscore's own are marked, and the "
        "weights and cut-offs are fitted to them.",
    },
    "save": {
        "zh": "把拟合结果写成配置文件（TOML），之后用 --profile 文件 即可。",
        "en": "Write the fit as a profile (TOML) to use with --profile FILE.",
    },
    "workers": {
        "zh": "同时评分的店铺进程数（默认每个 CPU 核一个；1 表示在本进程内逐个评分）。",
        "en": "How many shops are scored at once, each in its own process (default: one per core; "
        "1: one after another in this process).",
    },
    "bad_record": {
        "zh": "店铺有违规记录：成长期店铺的固定分为 60 而不是 70（douyin-2026）。",
        "en": "The shop has a bad-behaviour record: a growth-stage shop scores a fixed 60 instead of 70 "
        "(douyin-2026).",
    },
    "bonus": {
        "zh": "加分项：维度=分数，可重复，例如 logistics=3（偏远地区服务）；维度分最高到满分。",
        "en": "Bonus: DIMENSION=POINTS, repeatable, e.g. logistics=3 (remote-area service); a "
        "dimension stops at the scale's maximum.",
    },
    "industry": {
        "zh": "考核行业：按规则中该行业的权重与分档计分（见规则文件的 [[variants]]）。",
        "en": "Assessed industry: use the profile's weights and cut-offs for it (its [[variants]]).",
    },
    "shop_type": {
        "zh": "店铺类型：flagship（旗舰店/官方旗舰店）、non-flagship（非旗舰）、general（通用）。",
        "en": "Shop type: flagship (a flagship or official flagship store), non-flagship or general.",
    },
    "as_of": {
        "zh": "按这一天计算（YYYY-MM-DD）；默认：数据中最晚的事件日期。",
        "en": "Score as of this day (YYYY-MM-DD); default: latest event date.",
    },
    "category": {"zh": "使用规则中该类目的评分曲线。", "en": "Use the profile's curves for this category."},
    "shops_mode": {
        "zh": "哪些文件夹是店铺：auto（自动判断）、one（整个文件夹是一个店铺）、"
        "each（每个直接子文件夹是一个店铺）。",
        "en": "Which folders are shops: auto (guess), one (the whole folder is one shop), each "
        "(every direct sub-folder is a shop).",
    },
    "columns": {
        "zh": "补充表头别名的 TOML 文件（见 README）。",
        "en": "TOML file of extra header aliases (see README).",
    },
    "no_cache": {
        "zh": "不用已解析导出的缓存，每个文件都重新读取（也可设环境变量 SHOPSCORE_NO_CACHE=1）。",
        "en": "Read every file afresh instead of from the parsed-export cache (or set SHOPSCORE_NO_CACHE=1).",
    },
    "fail_below": {
        "zh": "店铺分数低于此值时退出码为 1（没有分数或覆盖不足时为 3）。",
        "en": "Exit 1 when a shop's score is below this (3 when it has no score or too little coverage).",
    },
    "min_coverage": {
        "zh": "配合 --fail-below：计分指标占规则权重低于此比例时不作判断（退出码 3）。",
        "en": "With --fail-below: a score on less of the profile's weight than this is not judged (exit 3).",
    },
    "debug": {"zh": "出错时显示完整的调用栈。", "en": "Show tracebacks."},
    "version": {"zh": "显示版本号。", "en": "Print the version."},
    "days": {"zh": "天数。", "en": "How many days."},
    "report.days": {"zh": "走势图的天数。", "en": "Days of the trend chart."},
    "html": {
        "zh": "把页面写入此文件（- 表示输出到标准输出）。",
        "en": "Write the page to this file (- for stdout).",
    },
    "forecast_days": {
        "zh": "预测图的天数（假设不再新增负向事件）。",
        "en": "Days of the forecast chart (no new bad events).",
    },
    "assume": {
        "zh": "frozen：不再有新事件，现有事件随考核期滑出；recent：最近 14 天的每日事件量持续。",
        "en": "frozen: no new events, today's age out; recent: the last 14 days' daily rates go on.",
    },
    "set_": {
        "zh": "指标ID=数值，可重复；比率写成小数（0.012）或百分数（1.2%）。",
        "en": "METRIC=VALUE, repeatable; a rate as a fraction (0.012) or a percent (1.2%).",
    },
    "score": {"zh": "要达到的体验分，例如 4.8。", "en": "The composite score to reach, e.g. 4.8."},
    "metric": {
        "zh": "指标 ID、中文或英文名称、或 ID 前缀；默认：失分最多的指标。",
        "en": "Metric id, Chinese or English name, or id prefix; default: the one costing most points.",
    },
    "by": {
        "zh": "只看一种拆分：product（商品）、agent（客服）、carrier（快递）、reason（原因）、"
        "reason-group（原因类别）、hour（时段）、week（周）。",
        "en": "One breakdown: product, agent, carrier, reason, reason-group, hour, week.",
    },
    "top": {"zh": "列出多少条负向记录。", "en": "How many bad records to list."},
    "diagnose.export": {
        "zh": "把拆分和记录写入 文件.xlsx，或 文件.csv（每种拆分另写一个 CSV）。",
        "en": "Write the breakdowns and records to FILE.xlsx, or FILE.csv (+ one CSV per breakdown).",
    },
    "history.export": {
        "zh": "把每条记录写入 文件.csv 或 文件.parquet。",
        "en": "Write every entry to FILE.csv or FILE.parquet.",
    },
    "history": {
        "zh": "历史记录文件（SQLite）；默认在用户数据文件夹中。",
        "en": "The history file (SQLite); default: in your user data folder.",
    },
    "post": {
        "zh": "把消息发送到这个群机器人 webhook（wecom/dingtalk/feishu）。",
        "en": "Send the messages to this chat robot webhook (wecom/dingtalk/feishu).",
    },
    "fail_drop": {
        "zh": "店铺分数比上次运行下降超过此值时退出码为 1。",
        "en": "Exit 1 when a shop's score fell by more than this since the previous run.",
    },
}

#: typer's and click's own words around the help texts
UI: dict[str, dict[str, str]] = {
    "usage": {"zh": "用法：", "en": "Usage:"},
    "options_metavar": {"zh": "[选项]", "en": "[OPTIONS]"},
    "subcommand_metavar": {"zh": "命令 [参数]...", "en": "COMMAND [ARGS]..."},
    "help_option": {"zh": "显示本帮助并退出。", "en": "Show this message and exit."},
    "ARGUMENTS_PANEL_TITLE": {"zh": "参数", "en": "Arguments"},
    "OPTIONS_PANEL_TITLE": {"zh": "选项", "en": "Options"},
    "COMMANDS_PANEL_TITLE": {"zh": "命令", "en": "Commands"},
    "ERRORS_PANEL_TITLE": {"zh": "错误", "en": "Error"},
    "ABORTED_TEXT": {"zh": "已中止。", "en": "Aborted."},
    "DEPRECATED_STRING": {"zh": "（已弃用） ", "en": "(deprecated) "},
    "DEFAULT_STRING": {"zh": "[默认: {}]", "en": "[default: {}]"},
    "ENVVAR_STRING": {"zh": "[环境变量: {}]", "en": "[env var: {}]"},
    "REQUIRED_LONG_STRING": {"zh": "[必填]", "en": "[required]"},
    "RICH_HELP": {
        "zh": "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。",
        "en": "Try [blue]'{command_path} {help_option}'[/] for help.",
    },
}
#: the value placeholders of the help under zh (typer shows <str>, <float>…)
METAVARS = {
    "<str>": "<文本>",
    "<path>": "<路径>",
    "<float>": "<数值>",
    "<int>": "<整数>",
    "<float range>": "<数值>",
    "<int range>": "<整数>",
    "<bool>": "<开关>",
}

#: click's and typer's usage errors (as they are formatted) said in Chinese
USAGE_ERRORS = [
    Message(
        "No such option: {name} (Possible options: {options})",
        "没有这个选项：{name}（可用的选项：{options}）",
    ),
    Message("No such option: {name} Did you mean {option}?", "没有这个选项：{name}。是不是 {option}？"),
    Message(
        "No such option: {name} (Did you mean one of: {options}?)",
        "没有这个选项：{name}（是不是 {options}？）",
    ),
    Message("No such option: {name}", "没有这个选项：{name}"),
    Message("No such command {name}. Did you mean {names}?", "没有这个命令：{name}。是不是 {names}？"),
    Message("No such command {name}.", "没有这个命令：{name}。"),
    Message("Missing command.", "缺少命令。"),
    Message("Missing argument {name}.", "缺少参数 {name}。"),
    Message("Missing option {name}.", "缺少选项 {name}。"),
    Message("Missing parameter {name}.", "缺少参数 {name}。"),
    Message("Option {name} requires an argument.", "选项 {name} 需要一个值。"),
    Message("Option {name} does not take a value.", "选项 {name} 不接受值。"),
    Message("Got unexpected extra argument ({args})", "多余的参数（{args}）"),
    Message("Got unexpected extra arguments ({args})", "多余的参数（{args}）"),
    Message("Got unexpected extra argument(s) ({args})", "多余的参数（{args}）"),
    Message("Invalid value for {name}: {detail}", "{name} 的值无效：{detail}"),
    Message(
        "Invalid value for {name} (env var: {env}): {detail}", "{name}（环境变量 {env}）的值无效：{detail}"
    ),
    Message("Invalid value: {detail}", "值无效：{detail}"),
    Message("Value error, {value} is not one of {choices}.", "{value} 不是可选值 {choices} 之一。"),
    Message("Input should be a valid number, unable to parse string as a number", "应为数字。"),
    Message("Input should be a valid integer, unable to parse string as an integer", "应为整数。"),
    Message("Input should be less than or equal to {n}", "应不大于 {n}。"),
    Message("Input should be greater than or equal to {n}", "应不小于 {n}。"),
    Message("Input should be less than {n}", "应小于 {n}。"),
    Message("Input should be greater than {n}", "应大于 {n}。"),
]


def peek_lang(args: Sequence[str]) -> str:
    """The help language: ``--lang`` in ``args``, else SHOPSCORE_LANG, else zh."""
    args = list(args)
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = args[i + 1] if arg == "--lang" and i + 1 < len(args) else arg.partition("=")[2]
        if (arg == "--lang" or arg.startswith("--lang=")) and value in LANGS:
            return value
    env = os.environ.get(ENV, "")
    return env if env in LANGS else "zh"


def usage_error(message: str, lang: str) -> str:
    """A click usage error's message in ``lang``: translated where its wording is known,
    else wrapped in a Chinese line that keeps click's own."""
    if lang == "en":
        return message
    said = localize(message, lang, USAGE_ERRORS, nested={"detail"})
    return said if said != message else f"用法错误：{message}"


class _State:
    lang = "zh"


def _texts(cmd: _click.Command, name: str, lang: str) -> None:
    """Put the help texts of ``cmd`` (called ``name``; the group: "") in ``lang``."""
    cmd.help = (APP if name == "" else COMMANDS.get(name, {})).get(lang, cmd.help)
    cmd.options_metavar = UI["options_metavar"][lang]
    if isinstance(cmd, TyperGroup):
        cmd.subcommand_metavar = UI["subcommand_metavar"][lang]
    for p in cmd.params:
        texts = PARAMS.get(f"{name}.{p.name}") or PARAMS.get(p.name or "")
        if texts and isinstance(p, TyperOption | TyperArgument):
            p.help = texts[lang]
        if isinstance(p, TyperArgument) and p.name == "path":  # its name in usage errors too
            p.metavar = "路径" if lang == "zh" else None


def _typer_words(lang: str) -> None:
    from typer import rich_utils

    for key, texts in UI.items():
        if key.isupper():
            setattr(rich_utils, key, texts[lang])


class _Localized:
    """What the group and its commands share: the usage line, the help option's text, and
    typer's panel titles and placeholders in the help language."""

    def format_usage(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        assert isinstance(self, _click.Command)
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=UI["usage"][_State.lang] + " ")

    def get_help_option(self, ctx: _click.Context) -> TyperOption | None:
        option: TyperOption | None = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = UI["help_option"][_State.lang]
        return option

    def format_help(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        lang = _State.lang
        _typer_words(lang)
        assert isinstance(self, _click.Command)
        if lang == "zh":  # typer's <str>, <float>… placeholders
            for p in self.get_params(ctx):
                if isinstance(p, TyperOption) and p.metavar is None:
                    p.metavar = METAVARS.get(p.display_type(ctx))
        super().format_help(ctx, formatter)  # type: ignore[misc]


def _localized_error(exc: UsageError, lang: str) -> None:
    """Say ``exc`` in ``lang`` when typer prints it (exit code unchanged)."""
    if type(exc).__name__ == "NoArgsIsHelpError" or getattr(exc, "_shopscore_said", False):
        return  # the help itself, or said already
    exc._shopscore_said = True  # type: ignore[attr-defined]
    _typer_words(lang)
    text = usage_error(exc.format_message(), lang)
    exc.format_message = lambda: text  # type: ignore[method-assign]


class Command(_Localized, TyperCommand):
    """A shopscore command: help and usage in the help language."""


class Group(_Localized, TyperGroup):
    """The `shopscore` group: chooses the help language from the whole command line, puts
    every help text in it, and says usage errors in it."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: _click.Context | None = None,
        **extra: Any,
    ) -> _click.Context:
        _State.lang = peek_lang(args)
        _texts(self, "", _State.lang)
        for name, cmd in self.commands.items():
            _texts(cmd, name, _State.lang)
        try:
            return super().make_context(info_name, args, parent, **extra)
        except UsageError as exc:
            _localized_error(exc, _State.lang)
            raise

    def invoke(self, ctx: _click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            _localized_error(exc, _State.lang)
            raise
