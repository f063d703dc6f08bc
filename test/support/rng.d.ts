/** A deterministic PRNG (mulberry32): randomized tests reproduce from their seed. */
export declare function rng(seed: number): () => number;
