"""`sakari-tui completion SHELL`: generated from the parser, so every command and option is offered."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from sakari_tui.cli import build_parser, main
from sakari_tui.cli.completion import completion_script, tree


def complete_bash(script: str, words: list[str]) -> list[str]:
    line = " ".join(f"'{w}'" for w in words)
    program = (
        f'{script}\nCOMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; _sakari_tui; printf "%s\\n" "${{COMPREPLY[@]}}"'
    )
    done = subprocess.run(["bash", "-c", program], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_commands_subcommands_options_and_choices():
    script = completion_script("bash", build_parser())
    assert "send" in complete_bash(script, ["sakari-tui", "s"])
    assert set(complete_bash(script, ["sakari-tui", "thread", ""])) >= {"show", "export"}
    assert complete_bash(script, ["sakari-tui", "thread", "export", "ID", "--format", ""]) == ["text", "json", "csv"]
    assert "--view" in complete_bash(script, ["sakari-tui", "conversations", "list", "--v"])
    assert "needs-reply" in complete_bash(script, ["sakari-tui", "conversations", "list", "--view", "n"])


def test_every_command_of_the_parser_is_in_each_script():
    root = tree(build_parser())
    for shell in ("bash", "zsh", "fish"):
        script = completion_script(shell, build_parser())
        for name in root.commands:
            assert name in script, (shell, name)
    fish = completion_script("fish", build_parser())
    assert "complete -c sakari-tui -n '__fish_seen_subcommand_from send' -l template -r" in fish
    assert "bashcompinit" in completion_script("zsh", build_parser())


def test_the_command_prints_the_script(capsys):
    assert main(["completion", "fish"]) == 0
    assert capsys.readouterr().out.startswith("# fish completion for sakari-tui")
