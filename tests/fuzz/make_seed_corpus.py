#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz harnesses (tests/fuzz/corpus/<reader>/): a few small valid inputs and
typical corruptions, in each harness's input layout (see the comment at the top of fuzz_<reader>.cpp). The
HDF5 harnesses build their files from the bytes as a program (hdf5_from_bytes.hpp): their seeds are short
byte strings the fuzzer grows from. Run from anywhere; rewrites the directories it owns."""
import gzip
import json
import pathlib
import shutil
import struct

root = pathlib.Path(__file__).resolve().parent / "corpus"


def images(count, rows=28, cols=28, magic=0x803):
    return struct.pack(">IIII", magic, count, rows, cols) + bytes((i * 37) % 256 for i in range(count * rows * cols))


def labels(count, magic=0x801, first=3):
    return struct.pack(">II", magic, count) + bytes((first + i) % 10 for i in range(count))


def mnist_input(mode, image_bytes, label_bytes):
    return bytes([mode]) + struct.pack(">H", len(label_bytes)) + image_bytes + label_bytes


def write(reader, name, data):
    d = root / reader
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


for reader in ("mnist_idx", "coco_json", "caption_features", "trials_file", "results", "config", "checkpoint"):
    shutil.rmtree(root / reader, ignore_errors=True)

write("mnist_idx", "valid_plain", mnist_input(0, images(2), labels(2)))
write("mnist_idx", "valid_gzip_both", mnist_input(3, images(1), labels(1)))
write("mnist_idx", "valid_gzip_images", mnist_input(1, images(1), labels(1)))
write("mnist_idx", "swapped_magic", mnist_input(0, labels(2), images(2)))
write("mnist_idx", "count_mismatch", mnist_input(0, images(2), labels(3)))
write("mnist_idx", "truncated", mnist_input(0, images(2)[:-5], labels(2)))
write("mnist_idx", "label_out_of_range", mnist_input(0, images(1), labels(1, first=12)))
write("mnist_idx", "already_gzip_data", mnist_input(0, gzip.compress(images(1), mtime=0), gzip.compress(labels(1), mtime=0)))
write("mnist_idx", "corrupt_gzip_data", mnist_input(0, gzip.compress(images(1), mtime=0)[:40], labels(1)))

captions = {"images": [{"id": 1, "file_name": "a.png"}, {"id": 2}],
            "annotations": [{"id": 1, "image_id": 1, "caption": "a red square"},
                            {"id": 2, "image_id": 2, "caption": "two blue circles"}]}
write("coco_json", "valid_captions.json", json.dumps(captions))
write("coco_json", "valid_results.json", json.dumps([{"image_id": 1, "caption": "a red square"}]))
write("coco_json", "unknown_image.json", json.dumps({"images": [{"id": 1}],
                                                      "annotations": [{"id": 1, "image_id": 9, "caption": "x"}]}))
write("coco_json", "wrong_types.json", '{"images": [{"id": "1"}], "annotations": [{"id": 1.5, "image_id": null}]}')
write("coco_json", "truncated.json", json.dumps(captions)[:50])

for reader in ("caption_features", "trials_file", "results"):
    for i, seed in enumerate((b"\x00" * 16, bytes(range(64)), bytes(range(255, 0, -3)))):
        write(reader, f"bytes_{i}", seed)

write("config", "ini", "hidden = 8\nepochs = 2\nseeds = 1-3\nmodel = crnn,bptt\n\x02")
write("config", "ini_underscores", "cerebellum_hidden = 40\n# a comment\nlearning_rate = 0.01\n\x01")
write("config", "ini_bad", "[section]\nnot a line\n=\n\x00")

# The checkpoint harness reads its way in from the last byte (FuzzedDataProvider takes integers from the end):
# 0 = a file built from the bytes, 1 = edits of line drawing's genuine checkpoint, 2 = of seqMNIST's.
for mode in (0, 1, 2):
    for i, seed in enumerate((b"\x00" * 16, bytes(range(64)), bytes(range(255, 0, -3)))):
        write("checkpoint", f"mode{mode}_bytes_{i}", seed + bytes([mode]))
