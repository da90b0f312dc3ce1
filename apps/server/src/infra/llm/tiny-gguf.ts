import { writeFile } from "node:fs/promises";

/*
 * Writes a tiny llama-architecture GGUF model (1 layer, 32-dim, ~300-token vocabulary, random
 * weights from a fixed seed) so the local provider can be tested end to end through the real
 * node-llama-cpp without downloading a model. It generates gibberish, deterministically under
 * greedy sampling. The output rows of control and byte tokens are zero, so greedy decoding picks
 * printable tokens and never end-of-text: answers run until maxTokens.
 */

const ALIGNMENT = 32;
/** GGUF metadata value types (the subset used here). */
const T = { U32: 4, I32: 5, F32: 6, STRING: 8, ARRAY: 9 } as const;
type Value =
  | { type: typeof T.U32 | typeof T.I32 | typeof T.F32; value: number }
  | { type: typeof T.STRING; value: string }
  | { type: typeof T.ARRAY; of: typeof T.STRING; values: string[] }
  | { type: typeof T.ARRAY; of: typeof T.F32 | typeof T.I32; values: number[] };

class Writer {
  private parts: Buffer[] = [];
  size = 0;
  private push(b: Buffer) {
    this.parts.push(b);
    this.size += b.length;
  }
  u32(v: number) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  i32(v: number) {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.push(b);
  }
  u64(v: number) {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  f32(v: number) {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    this.push(b);
  }
  str(s: string) {
    const b = Buffer.from(s, "utf8");
    this.u64(b.length);
    this.push(b);
  }
  raw(b: Buffer) {
    this.push(b);
  }
  pad() {
    const rest = this.size % ALIGNMENT;
    if (rest) this.push(Buffer.alloc(ALIGNMENT - rest));
  }
  value(v: Value) {
    this.u32(v.type);
    if (v.type === T.STRING) return this.str(v.value);
    if (v.type === T.ARRAY) {
      this.u32(v.of);
      this.u64(v.values.length);
      if (v.of === T.STRING) for (const s of v.values as string[]) this.str(s);
      else for (const n of v.values as number[]) v.of === T.F32 ? this.f32(n) : this.i32(n);
      return;
    }
    if (v.type === T.F32) this.f32(v.value);
    else if (v.type === T.I32) this.i32(v.value);
    else this.u32(v.value);
  }
  toBuffer() {
    return Buffer.concat(this.parts);
  }
}

/** Writes the tiny model to path. */
export async function writeTinyGguf(path: string): Promise<void> {
  const nEmbd = 32;
  const nFf = 64;
  const nHead = 2;
  let seed = 42;
  const rand = () => {
    // mulberry32: fixed weights on every run.
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  const tokens = ["<unk>", "<s>", "</s>"];
  const types = [2, 3, 3];
  for (let b = 0; b < 256; b++) {
    tokens.push(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`);
    types.push(6);
  }
  const printableFrom = tokens.length;
  for (const w of [
    "▁",
    ..."abcdefghijklmnopqrstuvwxyz".split("").flatMap((c) => [c, `▁${c}`]),
    "▁the",
    "▁and",
    "▁hello",
    ".",
  ]) {
    tokens.push(w);
    types.push(1);
  }
  const nVocab = tokens.length;
  const scores = tokens.map((t, i) => (i < printableFrom ? 0 : -t.length));

  const metadata: [string, Value][] = [
    ["general.architecture", { type: T.STRING, value: "llama" }],
    ["general.name", { type: T.STRING, value: "atrium-tiny-test" }],
    ["general.alignment", { type: T.U32, value: ALIGNMENT }],
    ["llama.context_length", { type: T.U32, value: 4096 }],
    ["llama.embedding_length", { type: T.U32, value: nEmbd }],
    ["llama.block_count", { type: T.U32, value: 1 }],
    ["llama.feed_forward_length", { type: T.U32, value: nFf }],
    ["llama.attention.head_count", { type: T.U32, value: nHead }],
    ["llama.attention.head_count_kv", { type: T.U32, value: nHead }],
    ["llama.rope.dimension_count", { type: T.U32, value: nEmbd / nHead }],
    ["llama.attention.layer_norm_rms_epsilon", { type: T.F32, value: 1e-5 }],
    ["tokenizer.ggml.model", { type: T.STRING, value: "llama" }],
    ["tokenizer.ggml.tokens", { type: T.ARRAY, of: T.STRING, values: tokens }],
    ["tokenizer.ggml.scores", { type: T.ARRAY, of: T.F32, values: scores }],
    ["tokenizer.ggml.token_type", { type: T.ARRAY, of: T.I32, values: types }],
    ["tokenizer.ggml.unknown_token_id", { type: T.U32, value: 0 }],
    ["tokenizer.ggml.bos_token_id", { type: T.U32, value: 1 }],
    ["tokenizer.ggml.eos_token_id", { type: T.U32, value: 2 }],
  ];

  const random = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
  const ones = (n: number) => new Float32Array(n).fill(1);
  const output = random(nVocab * nEmbd, 0.5);
  output.fill(0, 0, printableFrom * nEmbd);
  const tensors: [string, number[], Float32Array][] = [
    ["token_embd.weight", [nEmbd, nVocab], random(nVocab * nEmbd, 0.5)],
    ["output_norm.weight", [nEmbd], ones(nEmbd)],
    ["output.weight", [nEmbd, nVocab], output],
    ["blk.0.attn_norm.weight", [nEmbd], ones(nEmbd)],
    ["blk.0.attn_q.weight", [nEmbd, nEmbd], random(nEmbd * nEmbd, 0.2)],
    ["blk.0.attn_k.weight", [nEmbd, nEmbd], random(nEmbd * nEmbd, 0.2)],
    ["blk.0.attn_v.weight", [nEmbd, nEmbd], random(nEmbd * nEmbd, 0.2)],
    ["blk.0.attn_output.weight", [nEmbd, nEmbd], random(nEmbd * nEmbd, 0.2)],
    ["blk.0.ffn_norm.weight", [nEmbd], ones(nEmbd)],
    ["blk.0.ffn_gate.weight", [nEmbd, nFf], random(nEmbd * nFf, 0.2)],
    ["blk.0.ffn_up.weight", [nEmbd, nFf], random(nEmbd * nFf, 0.2)],
    ["blk.0.ffn_down.weight", [nFf, nEmbd], random(nFf * nEmbd, 0.2)],
  ];

  const w = new Writer();
  w.raw(Buffer.from("GGUF", "latin1"));
  w.u32(3);
  w.u64(tensors.length);
  w.u64(metadata.length);
  for (const [key, value] of metadata) {
    w.str(key);
    w.value(value);
  }
  let offset = 0;
  for (const [name, dims, data] of tensors) {
    w.str(name);
    w.u32(dims.length);
    for (const d of dims) w.u64(d);
    w.u32(0); // F32
    w.u64(offset);
    offset += Math.ceil((data.length * 4) / ALIGNMENT) * ALIGNMENT;
  }
  w.pad();
  for (const [, , data] of tensors) {
    w.raw(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    w.pad();
  }
  await writeFile(path, w.toBuffer());
}
