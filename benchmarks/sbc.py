"""Simulation-based calibration of the Canada–US posterior (issue 14).

``--method abc`` (default, the shipped method): synthetic truths are ``--datasets`` prior draws
simulated once (a second bank, seed ``bank_seed + 1``: none of them is in the bank that is
searched), each turned into "official" figures with the real pattern of missing periods of
the window (:func:`roxham.calibrate.abc.synthetic_observed`); for each, rejection ABC on the
2,000-simulation bank (the ``--accept`` nearest) and the truth's rank and place in the central
50 % / 90 % intervals of the accepted draws (:func:`roxham.calibrate.abc.abc_sbc`).

``--method npe``: synthetic truths: ``--datasets`` parameter draws from the priors, each
simulated once (a second bank, seed ``bank_seed + 1``: none of them was seen in training),
summarised over the same months as the official figures of the window (2017-01..2022-12 by
default, the real pattern of missing months). For each dataset ``--draws`` posterior draws of
the amortised posterior (one training, :func:`roxham.calibrate.inference.window_posterior`),
then per parameter:

- the rank of the true value among the draws (uniform on 0..draws if the posterior is
  calibrated; Kolmogorov–Smirnov p-value of the normalised ranks against U(0, 1));
- whether the truth lies inside the central 50 % and 90 % credible intervals.

Coverage is pooled over parameters and datasets (targets 0.40–0.60 and 0.85–0.95). Ranks and
intervals are taken on the prior's unit cube (each prior's quantile function is monotone, so
they are those of the parameters; for the two integer parameters the latent continuous draw).

Last line: ONE JSON object with datasets, coverage_50, coverage_90, wall_s, per_parameter.

    python benchmarks/sbc.py [--method abc|npe] [--sims 2000] [--datasets 100] [--accept 100]
                             [--draws 1000] [-w 2]
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np


def abc_main(a: argparse.Namespace) -> None:
    """SBC of rejection ABC on the prior bank."""
    from scipy.stats import kstest

    from roxham.calibrate import CanadaUSModel, LocalExecutor, load_observed
    from roxham.calibrate.abc import abc_sbc
    from roxham.calibrate.bank import build_bank

    t0 = time.perf_counter()
    model = CanadaUSModel()
    obs = load_observed(model.targets)
    ex = LocalExecutor(a.workers)
    try:
        bank = build_bank(model, a.sims, 0, executor=ex)
        truths = build_bank(model, a.datasets, 1, executor=ex)
    finally:
        ex.close()
    r = abc_sbc(bank, truths, obs, a.train_start, a.train_end, a.accept)
    per = {}
    for j, name in enumerate(r.names):
        per[name] = {"coverage_50": round(float(r.in50[:, j].mean()), 3),
                     "coverage_90": round(float(r.in90[:, j].mean()), 3),
                     "rank_ks_p": round(float(kstest(r.ranks[:, j], "uniform").pvalue), 4),
                     "mean_rank": round(float(r.ranks[:, j].mean()), 3)}
        v = per[name]
        print(f"{name:18s} cov50 {v['coverage_50']:.2f} cov90 {v['coverage_90']:.2f} "
              f"KS p {v['rank_ks_p']:.3f} mean rank {v['mean_rank']:.2f}")
    c50, c90 = r.coverage()
    print(json.dumps({
        "datasets": int(r.in50.shape[0]), "coverage_50": round(c50, 4),
        "coverage_90": round(c90, 4), "wall_s": round(time.perf_counter() - t0, 1),
        "method": "abc", "accept": a.accept, "bank_simulations": len(bank),
        "window": [a.train_start, a.train_end], "per_parameter": per,
    }))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--method", choices=("abc", "npe"), default="abc")
    ap.add_argument("--accept", type=int, default=100, help="abc: draws accepted")
    ap.add_argument("--sims", type=int, default=2000, help="prior bank searched / trained on")
    ap.add_argument("--datasets", type=int, default=100)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--train-start", default="2017-01")
    ap.add_argument("--train-end", default="2022-12")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-w", "--workers", type=int, default=2)
    ap.add_argument("--period", choices=("half", "quarter"), default="quarter",
                    help="summary resolution (roxham.calibrate.summaries)")
    a = ap.parse_args()
    if a.datasets < 1:
        raise SystemExit("--datasets must be >= 1")
    if a.method == "abc":
        abc_main(a)
        return

    from scipy.stats import kstest

    from roxham.calibrate import CanadaUSModel, LocalExecutor, load_observed
    from roxham.calibrate.bank import build_bank
    from roxham.calibrate.inference import window_posterior
    from roxham.calibrate.npe import NPEConfig

    t0 = time.perf_counter()
    model = CanadaUSModel()
    obs = load_observed(model.targets)
    cfg = NPEConfig(sims=a.sims, period=a.period)
    ex = LocalExecutor(a.workers)
    try:
        wp = window_posterior(model, obs, a.train_start, a.train_end, cfg, ex)
        test = build_bank(model, a.datasets, seed=cfg.bank_seed + 1, executor=ex)
    finally:
        ex.close()
    ok = test.ok()
    x = wp.spec.simulated(test.series)[ok]
    truth = test.u[ok]
    post = wp.trained.sample_unit_batched(x, a.draws, a.seed)  # [draws, B, d]
    ranks = (post < truth[None, :, :]).sum(axis=0)  # [B, d]
    q = np.quantile(post, [0.05, 0.25, 0.75, 0.95], axis=0)  # [4, B, d]
    in50 = (truth >= q[1]) & (truth <= q[2])
    in90 = (truth >= q[0]) & (truth <= q[3])
    per = {}
    for j, name in enumerate(model.space.names):
        r = (ranks[:, j] + 0.5) / (a.draws + 1)
        per[name] = {"coverage_50": round(float(in50[:, j].mean()), 3),
                     "coverage_90": round(float(in90[:, j].mean()), 3),
                     "rank_ks_p": round(float(kstest(r, "uniform").pvalue), 4),
                     "mean_rank": round(float(r.mean()), 3),
                     "posterior_sd_over_prior_sd": round(
                         float(post[:, :, j].std(axis=0).mean() / np.sqrt(1 / 12)), 3)}
    for name, v in per.items():
        print(f"{name:18s} cov50 {v['coverage_50']:.2f} cov90 {v['coverage_90']:.2f} "
              f"KS p {v['rank_ks_p']:.3f} sd/prior {v['posterior_sd_over_prior_sd']:.2f}")
    out = {
        "datasets": int(ok.sum()),
        "coverage_50": round(float(in50.mean()), 4),
        "coverage_90": round(float(in90.mean()), 4),
        "wall_s": round(time.perf_counter() - t0, 1),
        "draws": a.draws,
        "bank_simulations": len(wp.bank),
        "window": [a.train_start, a.train_end],
        "features": len(wp.spec.features),
        "period": a.period,
        "train_epochs": wp.trained.epochs,
        "trained_now": not wp.cached,
        "per_parameter": per,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
