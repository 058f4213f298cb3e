"""Texts the checks run on: labelled rows of every train split (a seeded sample) and hand-written
sentences in languages with no labelled data, so the pruned vocabulary is checked beyond them."""
import glob
import json
import os
import random

OTHER = [
    "Ce produit est vraiment décevant, je ne le recommande pas.",
    "Das neue Update hat mein Handy komplett lahmgelegt.",
    "Dit is echt een geweldige telefoon, ik ben er blij mee.",
    "Den här appen är helt värdelös efter uppdateringen.",
    "Jeg elsker den nye kamera, billederne er fantastiske.",
    "Tämä puhelin on aivan loistava, suosittelen kaikille.",
    "Ten telefon jest okropny, bateria nie wytrzymuje dnia.",
    "Tento produkt je skvělý, jsem velmi spokojený.",
    "Ez a termék teljesen használhatatlan, csalódott vagyok.",
    "Acest telefon este minunat, bateria ține două zile.",
    "Bu telefon harika, kamerası çok iyi.",
    "Hizmet çok kötüydü, bir daha asla gelmeyeceğim.",
    "Это ужасный сервис, никогда больше не буду заказывать.",
    "Мне очень понравился этот фильм, актёры прекрасны.",
    "Це найкращий магазин у місті, дуже рекомендую.",
    "Този продукт е страхотен, много съм доволен.",
    "Ovaj telefon je odličan, baterija traje dugo.",
    "Produk ini sangat bagus, pengirimannya cepat.",
    "Saya kecewa dengan layanan pelanggan mereka.",
    "Sản phẩm này rất tốt, tôi rất hài lòng.",
    "Ang ganda ng serbisyo nila, babalik ako ulit.",
    "Aquest restaurant és excel·lent, el menjar és boníssim.",
    "See toode on suurepärane, olen väga rahul.",
    "Šis produktas yra puikus, labai rekomenduoju.",
    "Šis telefons ir lielisks, esmu ļoti apmierināts.",
    "השירות היה נוראי, לא אחזור לכאן שוב.",
    "המוצר הזה מעולה, אני מאוד מרוצה.",
    "यह फ़ोन बहुत अच्छा है, मुझे बहुत पसंद आया।",
    "सेवा बहुत खराब थी, मैं फिर कभी नहीं आऊंगा।",
    "یہ فون بہت اچھا ہے، مجھے بہت پسند آیا۔",
    "สินค้าดีมาก ส่งเร็ว ประทับใจ",
    "이 제품 정말 좋아요, 강력 추천합니다.",
    "このカメラは本当に素晴らしいです。",
    "サービスが最悪でした。二度と行きません。",
    "这个产品非常好，我很满意。",
    "服务太差了，再也不来了。",
    "Ky produkt është shumë i mirë.",
    "Þessi sími er frábær.",
    "Η εξυπηρέτηση ήταν απαράδεκτη, δεν θα ξαναέρθω.",
    "Mrs. O'Brien's café — 5★★★★★ 😍🔥 #love @acme https://t.co/xyz",
    "ＦＵＬＬ　ＷＩＤＴＨ　ｔｅｘｔ\tand\nnewlines   and   spaces",
]


def sample_texts(data, per_split=25, seed=7):
    rand = random.Random(seed)
    texts = []
    for path in sorted(glob.glob(os.path.join(data, "*.train.jsonl"))):
        with open(path, encoding="utf-8") as f:
            rows = [json.loads(line)["text"] for line in f if line.strip()]
        texts += rand.sample(rows, min(per_split, len(rows)))
    return texts + OTHER
