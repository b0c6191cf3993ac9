"""grader.code.textbook_entry: d2l's names for a block (vgg_block, a module-level net) are graded
as the statement's entry; a file that defines the entry itself is left alone."""

from __future__ import annotations

from cnngrade.exercises.code import get
from cnngrade.grader.code.textbook_entry import top_level_names, with_textbook_entry

VGG_FUNCTION = "from torch import nn\n\ndef vgg_block(num_convs, in_channels, out_channels):\n    return nn.Identity()\n"


def test_a_file_with_only_the_textbook_name_gets_the_entry_appended() -> None:
    code, name = with_textbook_entry(VGG_FUNCTION, get("vgg_block"))
    assert name == "vgg_block"
    assert code.startswith(VGG_FUNCTION.rstrip("\n"))  # the student's lines keep their numbers
    namespace: dict = {}
    exec(compile(code, "submission.py", "exec"), namespace)  # noqa: S102 (our own test source)
    assert namespace["VGGBlock"] is namespace["vgg_block"]


def test_a_module_level_net_becomes_a_constructor_returning_it() -> None:
    source = "from torch import nn\nnet = nn.Sequential(nn.Flatten())\n"
    code, name = with_textbook_entry(source, get("lenet"))
    namespace: dict = {}
    exec(compile(code, "submission.py", "exec"), namespace)  # noqa: S102
    assert name == "net" and namespace["LeNet"]() is namespace["net"]


def test_files_defining_the_entry_or_not_parsing_or_other_exercises_are_unchanged() -> None:
    both = VGG_FUNCTION + "\nVGGBlock = vgg_block\n"
    assert with_textbook_entry(both, get("vgg_block")) == (both, None)
    broken = "def vgg_block(:\n"
    assert with_textbook_entry(broken, get("vgg_block")) == (broken, None)
    deep = "x = " + "(" * 5000 + ")" * 5000 + "\n"
    assert with_textbook_entry(deep, get("vgg_block")) == (deep, None)
    assert with_textbook_entry(VGG_FUNCTION, get("residual")) == (VGG_FUNCTION, None)
    assert top_level_names("if True:\n    net = 1\n") == set()  # only top-level bindings count
