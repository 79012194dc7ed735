import { measure } from "mitata";

/** A named async function to time; each call is awaited. */
export interface Contender {
  readonly name: string;
  readonly fn: () => Promise<unknown>;
}

/** Mean nanoseconds per call of each contender: rounds interleaved, median of the rounds' means. */
export async function timeContenders(contenders: readonly Contender[], rounds = 5): Promise<Map<string, number>> {
  const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < rounds; round += 1) {
    for (const contender of contenders) {
      const stats = await measure(contender.fn);
      samples.get(contender.name)?.push(stats.avg);
    }
  }
  return new Map([...samples].map(([name, values]) => [name, median(values)]));
}

/** Prints ns/call, ops/s and the ratio of each contender's rate to the baseline's. */
export function printRates(nsPerCall: Map<string, number>, baseline: string): void {
  const base = nsPerCall.get(baseline);
  if (base === undefined) throw new Error(`no baseline ${baseline}`);
  const rows = [...nsPerCall].map(([name, ns]) => ({
    contender: name,
    "ns/call": ns.toFixed(1),
    "ops/s": Math.round(1e9 / ns).toLocaleString("en-US"),
    [`rate vs ${baseline}`]: `${(base / ns).toFixed(2)}×`,
  }));
  console.table(rows);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
