"""The structured-content command prints the bubble table and the tensor action computed by the library."""

from tensornn.cli.main import main
from tensornn.networks import StructuredNetwork
from tensornn.readings.content import linear_tensor_action


def test_content_table_for_rank_three(capsys):
    assert main(["structured-content"]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split() for line in out.splitlines()[2:]}
    assert rows["double"][2:5] == ["3", "2", "6"]
    assert rows["tetrahedron"][1:4] == ["6", "3", "18"]
    assert [rows[f"pillow({c})"][3] for c in (1, 2, 3)] == ["18"] * 3


def test_couplings_are_printed_for_given_sizes(capsys):
    assert main(["structured-content", "--sizes", "2,3", "--width", "4", "--rank", "2"]) == 0
    out = capsys.readouterr().out
    action = linear_tensor_action(StructuredNetwork((2, 3), cp_rank=2, width=4))
    assert f"lambda[pillow(1)] = {action.couplings['pillow(1)']:.6g}" in out
    assert f"mass = {action.mass:.6g}" in out


def test_bad_arguments_exit_with_a_one_line_error(capsys):
    assert main(["structured-content", "--rank", "0"]) == 2
    assert "cp_rank must be >= 1, got 0" in capsys.readouterr().err
    assert main(["structured-content", "--order", "2", "--sizes", "2,2,2"]) == 2
    assert "disagrees with --sizes" in capsys.readouterr().err
