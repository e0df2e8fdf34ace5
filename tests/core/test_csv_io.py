import io
import tracemalloc

import numpy as np
import pytest

from nnplayground.core import csv_io
from nnplayground.core.csv_io import CSVFormatError, read_points_csv, write_points_csv


def _read(text):
    return read_points_csv(io.StringIO(text))


def test_round_trip_exact_with_class_names(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 2)) * 1e3
    X[0] = [0.1 + 0.2, -1e-300]  # awkward floats survive bit for bit
    y = rng.integers(0, 3, 50)
    y[0] = 2  # the first point is not class 0: the names line keeps the order
    path = tmp_path / "points.csv"
    write_points_csv(path, X, y, class_names=["red", "blue, dark", "unused"])
    X2, y2, names = read_points_csv(path)
    np.testing.assert_array_equal(X2, X)
    assert X2.dtype == np.float64 and y2.dtype == np.int64
    np.testing.assert_array_equal(y2, y)
    assert names == ["red", "blue, dark", "unused"]
    assert path.read_text(encoding="utf-8").splitlines()[0] == "x,y,label"


def test_round_trip_3d_integer_labels():
    X = np.random.default_rng(1).normal(size=(10, 3))
    y = np.array([0, 1, 4, 1, 0, 0, 1, 4, 1, 0])
    buf = io.StringIO()
    write_points_csv(buf, X, y)
    text = buf.getvalue()
    assert text.splitlines()[0] == "x,y,z,label"
    assert text.splitlines()[1].endswith(",0")
    X2, y2, names = _read(text)
    np.testing.assert_array_equal(X2, X)
    np.testing.assert_array_equal(y2, y)
    assert names == ["0", "1", "2", "3", "4"]


def test_names_without_classes_line_in_order_of_appearance():
    X, y, names = _read("x,y,label\n1,2,cat\n3,4,dog\n5,6,cat\n")
    assert X.tolist() == [[1, 2], [3, 4], [5, 6]]
    assert y.tolist() == [0, 1, 0] and names == ["cat", "dog"]


def test_no_header_blank_lines_comments_crlf_and_bom():
    text = "\ufeff# exported by hand\r\n1.5,2,1\r\n\r\n  -3 , 4e1 , 0 \r\n"
    X, y, names = _read(text)
    assert X.tolist() == [[1.5, 2.0], [-3.0, 40.0]]
    assert y.tolist() == [1, 0] and names == ["0", "1"]


def test_integer_labels_written_as_floats_and_negative_labels():
    _, y, names = _read("x,y,label\n0,0,1.0\n1,1,0.0\n")
    assert y.tolist() == [1, 0] and names == ["0", "1"]
    _, y, names = _read("x,y,label\n0,0,-1\n1,1,1\n2,2,-1\n")
    assert y.tolist() == [0, 1, 0] and names == ["-1", "1"]


def test_classes_line_accepts_indices_and_new_names():
    _, y, names = _read("x,y,label\n# classes: a,b\n0,0,b\n1,1,0\n2,2,c\n")
    assert y.tolist() == [1, 0, 2] and names == ["a", "b", "c"]


def _error(text):
    with pytest.raises(CSVFormatError) as info:
        _read(text)
    return info.value


def test_not_a_number_message():
    err = _error("x,y,label\n1,2,a\n3,4,a\n5,6,a\n7,8,a\n9,10,a\nabc,1,b\n")
    assert str(err) == "line 7: 'abc' is not a number (column x)"
    assert err.line == 7 and isinstance(err, ValueError)


def test_every_bad_line_is_reported():
    text = ("x,y,label\n"
            "1,2\n"            # 2: too few columns
            "1,2,3,4\n"        # 3: too many
            "1,nan,a\n"        # 4: not finite
            "1,,a\n"           # 5: empty value
            "1,inf,a\n"        # 6: not finite
            "1,2,\n"           # 7: empty label
            "1,2,a\n")
    err = _error(text)
    assert [ln for ln, _ in err.problems] == [2, 3, 4, 5, 6, 7]
    lines = str(err).splitlines()
    assert lines[0] == "line 2: expected 3 values (x, y, label) but found 2"
    assert lines[1] == "line 3: expected 3 values (x, y, label) but found 4"
    assert lines[2] == "line 4: 'nan' is not a finite number (column y)"
    assert lines[3] == "line 5: the y value is empty"
    assert lines[5] == "line 7: the label is empty (column label)"


def test_header_names_used_in_messages_and_dimension_fixed_by_header():
    err = _error("width,height,depth,kind\n1,2,3,a\n1,2,a\n")
    assert str(err) == "line 3: expected 4 values (width, height, depth, kind) but found 3"
    err = _error("width,height,kind\n1,x2,a\n")
    assert str(err) == "line 2: 'x2' is not a number (column height)"


def test_many_errors_are_summarised():
    text = "x,y,label\n" + "a,1,b\n" * 15
    msg = str(_error(text))
    assert msg.splitlines()[-1] == "(and 5 more problems)"
    assert len(msg.splitlines()) == 11


@pytest.mark.parametrize("text,message", [
    ("", "the file is empty"),
    ("\n\n# nothing\n", "the file contains no points"),
    ("x,y,label\n", "the file contains no points"),
    ("x;y;label\n1;2;a\n", "line 1: columns must be separated by commas, this line uses ';'"),
    ("1,2,3,4,5\n", "line 1: expected 3 columns (x, y, label) or 4 (x, y, z, label) but found 5"),
    ("a,b\n", "line 1: expected 3 columns (x, y, label) or 4 (x, y, z, label) but found 2"),
])
def test_whole_file_problems(text, message):
    assert str(_error(text)) == message


def test_write_rejects_bad_input():
    with pytest.raises(ValueError):
        write_points_csv(io.StringIO(), np.zeros((2, 4)), [0, 1])
    with pytest.raises(ValueError):
        write_points_csv(io.StringIO(), np.array([[0.0, np.nan]]), [0])
    with pytest.raises(ValueError):
        write_points_csv(io.StringIO(), np.zeros((2, 2)), [0, 2], class_names=["a", "b"])
    with pytest.raises(ValueError):
        write_points_csv(io.StringIO(), np.zeros((1, 2)), [0], class_names=["#a"])
    with pytest.raises(ValueError):
        write_points_csv(io.StringIO(), np.zeros((2, 2)), [0])


def test_spreadsheet_latin1_names_are_read(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("x,y,label\n1,2,R\xe9seau\n3,4,Caf\xe9\n".encode("cp1252"))
    X, y, names = read_points_csv(path)
    assert names == ["R\u00e9seau", "Caf\u00e9"] and y.tolist() == [0, 1]
    assert X.tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_binary_file_is_refused_with_a_message(tmp_path):
    path = tmp_path / "picture.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(CSVFormatError, match="not a text file"):
        read_points_csv(path)


# ------------------------------------------------------------- limits (issue 13)
@pytest.mark.timeout(60)  # a hang guard, not a speed test (shared machines)
@pytest.mark.parametrize("text", ["1,2,100000000\n3,4,0\n", "1,2,1000000000000\n3,4,0\n",
                                  "3,4,0\n1,2,1e8\n", "1,2,9223372036854775807\n3,4,0\n"])
def test_a_huge_integer_label_is_an_error_naming_its_line_not_a_hundred_million_classes(text):
    # Before: 100,000,001 classes, 21 s and 6.75 GiB (label 10**12: MemoryError). Nothing
    # in proportion to the label is allocated now: the peak stays far below one array of
    # a hundred million entries (800 MB).
    tracemalloc.start()
    try:
        err = _error(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2**20, f"rejecting a 2-line file allocated {peak:,} bytes"
    assert "makes more than 100 classes; at most 100 are allowed" in str(err)
    assert err.line == (2 if text.startswith("3") else 1)


@pytest.mark.parametrize("label", [
    "9223372036854775808", "-9223372036854775809", "1e300", "-1e300",
    "1e19", "nan", "NaN", "inf", "-inf", "Infinity", "1e400", pytest.param("1" * 5000, id="5000-digits"),
])
@pytest.mark.parametrize("other", ["0", "-1", "cat"])
def test_labels_that_are_no_class_number_are_errors_naming_the_line(label, other):
    err = _error(f"x,y,label\n0,0,{other}\n1,2,{label}\n")
    assert err.line == 3 and isinstance(err, ValueError)
    assert len(str(err)) < 200  # a 5000-digit label is not repeated in full


def test_the_class_limit_is_exact_and_names_the_line_past_it():
    lines = "".join(f"{i},0,{i}\n" for i in range(100))
    X, y, names = _read(lines)
    assert len(names) == 100 and y.tolist() == list(range(100))
    assert _error(lines + "5,5,100\n").line == 101
    named = "".join(f"{i},0,c{i}\n" for i in range(100))
    assert len(_read(named)[2]) == 100
    assert _error(named + "1,1,c5\n1,1,new\n").line == 102
    negative = "".join(f"{i},0,{-i}\n" for i in range(100))
    assert len(_read(negative)[2]) == 100
    assert _error(negative + "1,1,-5\n1,1,-100\n").line == 102


def test_class_limit_with_a_classes_line():
    declared = ",".join(f"c{i}" for i in range(100))
    _, y, names = _read(f"# classes: {declared}\n0,0,c99\n1,1,3\n")
    assert len(names) == 100 and y.tolist() == [99, 3]
    assert _error(f"# classes: {declared}\n0,0,c1\n1,1,another\n").line == 3
    assert _error(f"x,y,label\n# classes: {declared},c100\n0,0,c1\n").line == 2


def test_exports_round_trip_with_empty_classes_and_names_that_look_like_numbers(tmp_path):
    X = np.array([[0.0, 1.0], [2.0, 3.0]])
    names = ["nan", "inf", "1e300", "empty", "9223372036854775808"] + [f"k{i}" for i in range(95)]
    path = tmp_path / "p.csv"
    write_points_csv(path, X, np.array([4, 1]), class_names=names)
    X2, y2, names2 = read_points_csv(path)
    assert names2 == names and y2.tolist() == [4, 1] and np.array_equal(X2, X)
    write_points_csv(path, X, np.array([0, 7]))  # integer labels, classes 1-6 empty
    assert read_points_csv(path)[2] == [str(i) for i in range(8)]


def test_too_many_points_names_the_line_past_the_limit(monkeypatch):
    monkeypatch.setattr(csv_io, "MAX_POINTS", 3)
    assert len(_read("x,y,label\n1,1,a\n2,2,a\n3,3,b\n")[0]) == 3
    err = _error("x,y,label\n1,1,a\n\n2,2,a\n3,3,b\n4,4,b\n")
    assert str(err) == "line 6: more than 3 points; at most 3 can be read"


def test_files_too_large_are_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_io, "MAX_CSV_BYTES", 100)
    text = "x,y,label\n" + "1.0,2.0,a\n" * 10
    path = tmp_path / "big.csv"
    path.write_text(text, encoding="utf-8")
    for source in (path, io.StringIO(text), io.BytesIO(text.encode())):
        with pytest.raises(CSVFormatError, match="the file is larger than 0 MB"):
            read_points_csv(source)


def test_problems_stop_being_collected_after_a_thousand():
    err = _error("x,y,label\n" + ",,\n" * 100_000)
    assert 1000 < len(err.problems) <= 1004  # a line has up to three
    assert err.problems[-1][1] == "too many problems; reading stopped here"


def test_long_class_names_are_refused():
    assert _error("x,y,label\n0,0,a\n1,1," + "b" * 1001 + "\n").line == 3
    assert _error("# classes: " + "b" * 1001 + "\n0,0,0\n").line == 1


def test_coordinates_beyond_the_canvas_are_reported_and_its_edge_is_read():
    """1e308 overflowed the canvas's range and 1e300 put every point in one place: the
    window failed half-way through showing the file."""
    err = _error("x,y,label\n1e308,0,a\n0,-1e300,b\n-1e9,1e9,a\n1.5e9,0,a\n")
    assert [str(err).splitlines()[i] for i in (0, 2)] == [
        "line 2: '1e308' is beyond ±1e+09, the largest coordinate the canvas draws (column x)",
        "line 5: '1.5e9' is beyond ±1e+09, the largest coordinate the canvas draws (column x)"]
    assert [ln for ln, _ in err.problems] == [2, 3, 5]
    X, _, _ = read_points_csv(io.StringIO("x,y,label\n-1e9,1e9,a\n0,0,b\n"))
    assert X.tolist() == [[-1e9, 1e9], [0.0, 0.0]]


def test_a_file_of_the_largest_size_is_read_line_by_line(tmp_path):
    """A 32 MB file of short lines failing at its first line allocated ~800 MB (every
    line a string before the first was looked at) and held the window ~1.3 s."""
    path = tmp_path / "short_lines.csv"
    path.write_bytes(b"ab\n" * (csv_io.MAX_CSV_BYTES // 3))
    size = path.stat().st_size
    tracemalloc.start()
    try:
        with pytest.raises(CSVFormatError) as info:
            read_points_csv(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(info.value).startswith("line 1: expected 3 columns")
    # the file's bytes and their text, nothing in proportion to its lines
    assert peak < 2.5 * size, f"reading a {size:,}-byte file allocated {peak:,}"


def test_every_kind_of_line_end_is_read():
    for end in ("\n", "\r\n", "\r"):
        X, y, names = _read(end.join(["x,y,label", "1,2,a", "3,4,b", ""]))
        assert X.tolist() == [[1.0, 2.0], [3.0, 4.0]] and names == ["a", "b"], repr(end)
    # mixed, as files edited on two systems have them
    X, _, _ = _read("x,y,label\r1,2,a\r\n3,4,b\n5,6,a")
    assert X.tolist() == [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]
