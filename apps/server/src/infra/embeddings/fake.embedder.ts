import { assertEmbeddableTexts, type Embedder, EmbeddingError, normalizeInPlace } from "./embeddings.types";

/** The fake embedder plus what tests of other modules may want to assert on. */
export interface FakeEmbedder extends Embedder {
  /** Every embed() call's texts, in order. */
  readonly calls: string[][];
}

/** FNV-1a, 32 bits: fast, stable across runs and platforms. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Lower-cased runs of letters and digits. */
function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * A deterministic stand-in for tests: each word adds ±1 at a hashed position (the hashing trick),
 * then the vector is normalised. Texts that share words score higher than texts that share none;
 * there is no notion of meaning beyond that. Validates input and honours abort like the real ones.
 */
export function fakeEmbedder(dimensions = 512): FakeEmbedder {
  if (!Number.isInteger(dimensions) || dimensions < 2) {
    throw new RangeError(`dimensions must be an integer of at least 2, got ${dimensions}`);
  }
  const calls: string[][] = [];
  let isClosed = false;

  function vectorOf(text: string): Float32Array {
    const v = new Float32Array(dimensions);
    const tokens = words(text);
    // Punctuation-only text still gets a (unit) vector of its own.
    for (const word of tokens.length > 0 ? tokens : [text]) {
      const hash = fnv1a(word);
      v[hash % dimensions] = (v[hash % dimensions] as number) + (hash & 0x80000000 ? -1 : 1);
    }
    // Colliding words of opposite sign can cancel out; fall back to one fixed position then.
    if (!normalizeInPlace(v)) v[fnv1a(text) % dimensions] = 1;
    return v;
  }

  return {
    id: "fake",
    model: "hashing-trick",
    dimensions,
    maxInputTokens: 8192,
    calls,
    async embed(texts, opts = {}) {
      if (isClosed) throw new EmbeddingError("embeddings.unavailable", "The fake embedder was closed.");
      opts.signal?.throwIfAborted();
      assertEmbeddableTexts(texts);
      calls.push([...texts]);
      return texts.map(vectorOf);
    },
    async close() {
      isClosed = true;
    },
  };
}
