"""Training mechanics, diagnostics and the compare/stats commands on small settings."""

import json
import re

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import initax
from initax import _compare, _data
from initax._cli import main
from initax.diagnostics import distinct_units, layer_stats, loss_from_logits

DATA = _data.load("circles", n_train=40, n_test=20)


def test_vmapped_training_equals_each_seed_alone(key):
    ens = initax.ensemble(key, 3, [2, 4, 3, 1], "he")
    together = _compare.train(ens, DATA, steps=60, lr=0.1, progress=False)
    for i in range(3):
        alone = _compare.train(jax.tree.map(lambda a, i=i: a[i:i + 1], ens), DATA, steps=60,
                               lr=0.1, progress=False)
        for name in ("loss_curve", "test_acc_curve", "loss", "train_acc", "test_acc"):
            np.testing.assert_allclose(together[name][i], alone[name][0], rtol=1e-5, atol=1e-6)
        for leaf in together["params"]:
            np.testing.assert_allclose(np.asarray(together["params"][leaf][i]),
                                       np.asarray(alone["params"][leaf][0]), rtol=1e-5,
                                       atol=1e-6)


def test_training_reduces_the_loss(key):
    ens = initax.ensemble(key, 4, [2, 10, 5, 1], "he")
    res = _compare.train(ens, DATA, steps=300, lr=0.05, progress=False)
    assert np.all(res["loss"] < res["loss_curve"][:, 0])


def test_zeros_keeps_hidden_units_identical(key):
    ens = initax.ensemble(key, 2, [2, 10, 5, 1], "zeros")
    res = _compare.train(ens, DATA, steps=200, lr=0.5, progress=False)
    assert np.all(np.asarray(distinct_units(res["params"])) == 1)
    # a random scheme keeps them apart
    he = _compare.train(initax.ensemble(key, 2, [2, 10, 5, 1], "he"), DATA, steps=200, lr=0.5,
                        progress=False)
    assert np.all(np.asarray(distinct_units(he["params"])) == np.array([10, 5]))


def test_distinct_units_counts_duplicates(key):
    p = initax.he(key, [3, 4, 2])
    p["W1"] = p["W1"].at[2].set(p["W1"][0])
    p["b1"] = p["b1"].at[2].set(p["b1"][0])
    assert distinct_units(p).tolist() == [3]


def test_layer_stats_match_numpy(key):
    p = initax.he(key, [8, 16, 16, 1])
    x = jax.random.normal(jax.random.key(1), (8, 50))
    y = (jax.random.uniform(jax.random.key(2), (1, 50)) > 0.5).astype(jnp.float32)
    st = layer_stats(p, x, y)
    z1 = np.asarray(p["W1"]) @ np.asarray(x) + np.asarray(p["b1"])
    a1 = np.maximum(z1, 0)
    np.testing.assert_allclose(float(st["z_std"][0]), z1.std(), rtol=1e-5)
    np.testing.assert_allclose(float(st["a_std"][0]), a1.std(), rtol=1e-5)
    assert float(st["dead_frac"][0]) == pytest.approx(np.mean(np.all(z1 <= 0, axis=1)))
    g = jax.grad(lambda q: loss_from_logits(initax.mlp.apply(q, x), y))(p)
    np.testing.assert_allclose(float(st["grad_norm"][1]), float(jnp.linalg.norm(g["W2"])),
                               rtol=1e-5)
    ens = initax.ensemble(key, 3, [8, 16, 16, 1], "he")
    est = layer_stats(ens, x, y)
    assert est["z_std"].shape == (3, 3)
    one = layer_stats(jax.tree.map(lambda a: a[1], ens), x, y)
    np.testing.assert_allclose(np.asarray(est["grad_norm"][1]), np.asarray(one["grad_norm"]),
                               rtol=1e-5)


def test_bce_from_logits_is_stable():
    z = jnp.array([[1e4, -1e4, 0.0]])
    y = jnp.array([[0.0, 1.0, 1.0]])
    v = loss_from_logits(z, y)
    assert np.isfinite(float(v)) and float(v) == pytest.approx((1e4 + 1e4 + np.log(2)) / 3)


def test_compare_json_has_every_figure(tmp_path, capsys):
    out = tmp_path / "r.json"
    png = tmp_path / "r.png"
    rc = main(["compare", "--schemes", "zeros,he,gaussian:10", "--seeds", "3", "--steps", "40",
               "--lr", "0.1", "--json", str(out), "--plot", str(png), "--no-cache"])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "zeros" in printed and "gaussian:10" in printed and str(png) in printed
    assert png.stat().st_size > 10_000
    r = json.loads(out.read_text())  # strict JSON: no NaN/Infinity tokens
    assert r["config"]["dims"] == [2, 10, 5, 1] and r["config"]["steps"] == 40
    assert list(r["schemes"]) == ["zeros", "he", "gaussian:10"]
    for s in r["schemes"].values():
        for fig in ("train_acc", "test_acc", "final_loss", "initial_loss"):
            assert set(s[fig]) == {"mean", "std", "min", "max", "median"}
        for fig in ("frac_reach_target", "median_iter_to_target", "distinct_units_before",
                    "distinct_units_after", "frac_diverged", "median_seed"):
            assert fig in s
        assert len(s["per_seed"]["test_acc"]) == 3
        assert len(s["loss_curve"]["median"]) == len(s["loss_curve"]["iteration"]) == 40
    assert r["schemes"]["zeros"]["distinct_units_after"] == [1, 1]
    assert r["schemes"]["zeros"]["test_acc"]["mean"] == pytest.approx(0.5)


@pytest.mark.parametrize("argv,match", [
    (["--seeds", "0"], "seeds must be an int >= 1"),
    (["--steps", "-5"], "steps must be an int >= 1"),
    (["--lr", "-1"], "lr must be a positive finite number"),
    (["--dataset", "mnist"], "dataset='mnist' is not known"),
    (["--schemes", "he,nope"], "schemes='nope' is not a registered scheme"),
    (["--dims", "3,4,1"], r"dims=\[3, 4, 1\] does not fit dataset='circles'"),
    (["--hidden", "rleu"], "hidden='rleu' is not a known activation"),
])
def test_compare_bad_options(argv, match, capsys):
    rc = main(["compare", *argv, "--plot", "", "--no-cache"])  # fails before any training
    assert rc == 2
    err = capsys.readouterr().err
    assert "initax compare: error:" in err
    assert re.search(match, err), err


def test_cli_argparse_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as e:
        main(["compare", "--seeds", "many"])
    assert e.value.code == 2
    with pytest.raises(SystemExit) as e:
        main(["show", "--dims", "3"])
    assert e.value.code == 2
    assert "--dims must list at least two positive ints" in capsys.readouterr().err


def test_stats_command(tmp_path, capsys):
    out = tmp_path / "s.json"
    rc = main(["stats", "--depth", "6", "--width", "32", "--schemes", "he,gaussian:0.01",
               "--batch", "64", "--json", str(out), "--plot", str(tmp_path / "s.png"),
               "--no-cache"])
    assert rc == 0
    r = json.loads(out.read_text())
    assert len(r["schemes"]["he"]["a_std"]) == 6
    # the picture of vanishing signals: tiny sigma shrinks the signal layer after layer
    small = r["schemes"]["gaussian:0.01"]["a_std"]
    assert small[-1] < 1e-6 * small[0]
    assert 0.2 < r["schemes"]["he"]["a_std"][-1] / r["schemes"]["he"]["a_std"][0] < 5
    assert main(["stats", "--depth", "0", "--plot", ""]) == 2
