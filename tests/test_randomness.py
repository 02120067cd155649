"""Randomness: one root per run, and nothing else that results depend on.

Same seed, same bits; another seed, other results; the thread count, Python's hash seed
and the order in which streams are asked for change nothing.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import numba
import numpy as np
import pandas as pd
import pytest

from akimsim import AkimModel, toy_config
from akimsim.agents import person_id
from akimsim.runner import run_and_write
from akimsim.streams import Purpose, Streams

TABLES = ("contests", "summary", "offices")


def small(seed: int):
    cfg = toy_config(seed)
    cfg.output.progress = False
    cfg.output.figures = False
    return cfg


def tables_of(model: AkimModel) -> dict[str, pd.DataFrame]:
    return {"contests": model.contest_table(), "summary": model.summary_table(),
            "offices": model.office_table()}


def test_same_seed_same_bytes_and_another_seed_differs(tmp_path):
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        run_and_write(small(seed), tmp_path / name)
    for table in TABLES:
        a, b, c = ((tmp_path / n / f"{table}.parquet").read_bytes() for n in "abc")
        assert a == b, table
        assert a != c, table
    a = pd.read_parquet(tmp_path / "a" / "contests.parquet")
    c = pd.read_parquet(tmp_path / "c" / "contests.parquet")
    assert not a["votes"].equals(c["votes"])


def test_the_thread_count_changes_nothing():
    ceiling = numba.config.NUMBA_NUM_THREADS
    runs = []
    try:
        for threads in (1, ceiling):
            numba.set_num_threads(threads)
            runs.append(tables_of(AkimModel(small(3)).run()))
    finally:
        numba.set_num_threads(ceiling)
    for table in TABLES:
        pd.testing.assert_frame_equal(runs[0][table], runs[1][table])


def test_streams_do_not_depend_on_the_order_they_are_asked_for():
    one, two = Streams(7), Streams(7)
    first = [one.generator(Purpose.candidates, 2021, u).random() for u in range(5)]
    second = [two.generator(Purpose.candidates, 2021, u).random() for u in reversed(range(5))]
    assert first == second[::-1]
    assert one.kernel_key(Purpose.ballots, 2021, 3) == two.kernel_key(Purpose.ballots, 2021, 3)
    # purposes, years and units are independent streams
    keys = {one.kernel_key(p, y, u) for p in (Purpose.ballots, Purpose.lots)
            for y in (2021, 2022) for u in range(3)}
    assert len(keys) == 12
    assert Streams(8).kernel_key(Purpose.ballots, 2021, 3) != one.kernel_key(
        Purpose.ballots, 2021, 3)


def test_person_ids_say_where_a_person_came_from():
    assert person_id(2021, 17, 3) == 20210000170003
    assert person_id(2021, 17, 3, acting=True) == 20210000171003
    ids = {person_id(y, u, s, acting=a) for y in (2012, 2013) for u in (0, 1, 999_999)
           for s in (0, 1, 999) for a in (False, True)}
    assert len(ids) == 2 * 3 * 3 * 2
    with pytest.raises(ValueError, match="slot below 1000"):
        person_id(2021, 0, 1000)


def test_every_person_keeps_one_id():
    """An incumbent re-elected keeps the id of their first entry; no id names two
    different people (traits), and office holders' ids are candidates' or applicants'."""
    model = AkimModel(small(2)).run()
    contests = model.contest_table()
    traits: dict[int, tuple[float, float]] = {}
    for row in contests.itertuples():
        for pid, x, y in zip(row.candidate_ids, row.candidate_x, row.candidate_y, strict=True):
            assert traits.setdefault(int(pid), (x, y)) == (x, y)
    offices = model.office_table()
    assert offices.groupby("person_id")["competence"].nunique().max() == 1


HASH_PROBE = """
import hashlib, sys
from akimsim import AkimModel, toy_config
cfg = toy_config(4)
cfg.output.progress = False
model = AkimModel(cfg).run()
h = hashlib.sha256()
for frame in (model.contest_table(), model.summary_table(), model.office_table()):
    h.update(frame.to_json(orient="split", double_precision=15).encode())
print(h.hexdigest())
"""


@pytest.mark.process
def test_python_hash_seed_and_threads_change_nothing():
    """Separate interpreters with other hash seeds (set iteration orders) and thread
    counts give the same tables, to the last digit."""
    digests = set()
    for hash_seed, threads in (("0", "1"), ("12345", "2"), ("random", "2")):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "NUMBA_NUM_THREADS": threads,
               "PYTHONWARNINGS": "ignore"}
        done = subprocess.run([sys.executable, "-c", HASH_PROBE], capture_output=True,
                              text=True, env=env, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        digests.add(done.stdout.strip())
    assert len(digests) == 1
    assert len(next(iter(digests))) == len(hashlib.sha256().hexdigest())


def test_the_rules_break_ties_by_the_lot_of_the_contest_alone():
    """The same tie in two contests with other lot keys is settled by each contest's own
    lots: the key decides, not the batch the contest is in."""
    from akimsim.config import RuleConfig
    from akimsim.elections import BallotBox, get_rule, lot_priorities
    from akimsim.kernels import ContestBatch

    ranking = np.array([[0], [1]] * 2, dtype=np.int8)
    keys = np.array([11, 12], dtype=np.uint64)
    batch = ContestBatch(np.array([0, 2]), np.array([2, 4]), np.array([0, 2, 4]), keys,
                         np.array([101, 202], dtype=np.uint64))
    box = BallotBox(batch, np.array([2, 2]), np.ones(4, np.uint8), ranking)
    together = get_rule("plurality").fn(box, RuleConfig())
    for c in range(2):
        alone = ContestBatch(np.array([0]), np.array([2]), np.array([0, 2]), keys[c:c + 1],
                             batch.lot_keys[c:c + 1])
        (single,) = get_rule("plurality").fn(
            BallotBox(alone, np.array([2]), np.ones(2, np.uint8), ranking[2 * c:2 * c + 2]),
            RuleConfig())
        assert single == together[c]
        assert single.winner == int(np.argmax(lot_priorities(batch.lot_keys[c], 2)))
