# /// script
# requires-python = ">=3.10"
# dependencies = [
#     "torch>=2.4",
#     "transformers>=4.56",
#     "tokenizers>=0.21",
#     "safetensors>=0.4",
# ]
# ///
"""Build a tiny Llama-style causal LM (~100 kB) whose greedy reply to any prompt is one fixed text.

Why: the runner tests need a real model that transformers, inspect-ai and lighteval load and run offline,
with a score known by construction. The layers keep their random (seeded) weights but their output
projections are zeroed, so the residual stream is the current token's embedding; embeddings and
``lm_head`` are then set so that each token of the reply predicts the next one, every other token
predicts the reply's first token, and the reply's last token predicts end-of-sequence.

    uv run tests/runners/build_tiny_model.py OUT_DIR --reply "ANSWER: A"
"""

from __future__ import annotations

import argparse
import json
from itertools import pairwise
from pathlib import Path

SPECIAL = ["<unk>", "<s>", "</s>", "<pad>", "<|system|>", "<|user|>", "<|assistant|>"]
CHAT_TEMPLATE = (
    "{% for message in messages %}<|{{ message['role'] }}|>\n{{ message['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)
CORPUS = [
    "Question: What is the answer? Choose A, B, C or D.",
    "ANSWER: A ANSWER: B ANSWER: C ANSWER: D",
    "The answer is 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 42 100",
    "Solve the following math problem step by step. How many apples does she have left?",
]
HIDDEN = 32
LOGIT = 12.0


def train_tokenizer(reply_pieces: list[str]):
    """A byte-level BPE trained offline on a few lines, with the reply's pieces as whole tokens."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400, special_tokens=SPECIAL, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tok.train_from_iterator(CORPUS * 4, trainer=trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", unk_token="<unk>", pad_token="<pad>"
    )
    fast.add_tokens(reply_pieces)
    fast.chat_template = CHAT_TEMPLATE
    return fast


def reply_pieces(reply: str) -> list[str]:
    """Split the reply into distinct tokens: words with their leading space (``"ANSWER: A"`` -> 2 pieces)."""
    words = reply.split(" ")
    pieces = [words[0]] + [" " + w for w in words[1:]]
    if len(set(pieces)) != len(pieces) or not all(p.strip() for p in pieces):
        raise SystemExit(f"reply {reply!r} must be words that do not repeat")
    return pieces


def build(out: Path, reply: str, seed: int = 0) -> dict:
    """Write model, tokenizer and chat template to ``out``; return a summary (ids of the reply chain)."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    pieces = reply_pieces(reply)
    tokenizer = train_tokenizer(pieces)
    chain = [tokenizer.convert_tokens_to_ids(p) for p in pieces] + [tokenizer.eos_token_id]
    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=len(tokenizer), hidden_size=HIDDEN, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=2048, tie_word_embeddings=False,
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    model = LlamaForCausalLM(config).eval()
    with torch.no_grad():
        for layer in model.model.layers:
            layer.self_attn.o_proj.weight.zero_()
            layer.mlp.down_proj.weight.zero_()
        embed = model.model.embed_tokens.weight
        head = model.lm_head.weight
        embed.zero_()
        embed[:, 0] = 1.0  # every token outside the chain starts the reply
        head.zero_()
        head[chain[0], 0] = LOGIT
        for state, (current, following) in enumerate(pairwise(chain), start=1):
            embed[current].zero_()
            embed[current, state] = 1.0
            head[following, state] = LOGIT
    model.generation_config.do_sample = False
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    portable_tokenizer_config(out / "tokenizer_config.json")
    summary = {"reply": reply, "chain": chain, "vocab_size": len(tokenizer)}
    (out / "tiny_model.json").write_text(json.dumps(summary, indent=2))
    return summary


def portable_tokenizer_config(path: Path) -> None:
    """Name a class every transformers version has (v5 writes ``TokenizersBackend``, unknown to v4, which
    the lighteval runner uses) and embed the chat template, which v4 reads from this file."""
    config = json.loads(path.read_text())
    config["tokenizer_class"] = "PreTrainedTokenizerFast"
    config["chat_template"] = CHAT_TEMPLATE
    path.write_text(json.dumps(config, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, nargs="+", help="output folder(s) (created), one model each")
    parser.add_argument("--reply", action="append", help="the fixed greedy reply (distinct words), one per folder "
                        "(default: 'ANSWER: A')")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--check", action="store_true", help="generate once and verify the reply")
    args = parser.parse_args()
    replies = args.reply or ["ANSWER: A"] * len(args.out)
    if len(replies) != len(args.out):
        parser.error("give one --reply per output folder")
    for out, reply in zip(args.out, replies):  # one process for all: torch is imported once
        summary = build(out, reply, args.seed)
        if args.check:
            summary["generated"] = check(out)
            if summary["generated"] != reply:
                raise SystemExit(f"tiny model replied {summary['generated']!r}, expected {reply!r}")
        print(json.dumps(summary))


def check(path: Path) -> str:
    """Greedy reply of the saved model to a chat prompt, decoded."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForCausalLM.from_pretrained(path)
    ids = tokenizer.apply_chat_template(
        [{"role": "user", "content": "What is 2+2? Choose A, B, C or D."}], add_generation_prompt=True,
        return_tensors="pt", return_dict=True,
    )
    out = model.generate(input_ids=ids["input_ids"], attention_mask=ids["attention_mask"], max_new_tokens=10,
                         do_sample=False)
    return tokenizer.decode(out[0, ids["input_ids"].shape[1]:], skip_special_tokens=True)


if __name__ == "__main__":
    main()
