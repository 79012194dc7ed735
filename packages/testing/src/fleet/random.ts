// Seeded randomness, so a fleet run is the same run every time and two contenders see the same pods and STS.

/** A uniform [0, 1) generator from a 32-bit seed (mulberry32): small, fast, good enough for a simulation. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
