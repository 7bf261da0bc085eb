// Deterministic demo data: practice ids and keys derived from the seed with mulberry32, so
// `--seed 7` gives the same credentials on every machine.
import { mulberry32 } from '../shared/random.ts';

export { mulberry32 };

const HEX = '0123456789abcdef';

export function randomHex(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += HEX[Math.floor(random() * 16)];
  return out;
}

export function randomUuid(random: () => number): string {
  const h = randomHex(random, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

export interface SeedPractice {
  practiceId: string;
  practiceKey: string;
  timezone: string;
  name: string;
}

const ZONES = ['Australia/Perth', 'Australia/Sydney', 'Australia/Brisbane', 'Australia/Melbourne'];
const NAMES = ['Harbour Family Clinic', 'Swan River Medical', 'Southbank GP', 'Kings Park Health'];

/** The consumer api-key and the consenting practices for a seed (1 practice without a seed). */
export function seedData(seed: number | undefined): { apiKey: string; practices: SeedPractice[] } {
  const random = mulberry32(seed ?? 20_240_101);
  const apiKey = `he_test_${randomHex(random, 32)}`;
  const count = seed === undefined ? 1 : 2;
  const practices: SeedPractice[] = [];
  for (let i = 0; i < count; i++) practices.push(makeSeedPractice(random, i));
  return { apiKey, practices };
}

export function makeSeedPractice(random: () => number, index: number): SeedPractice {
  return {
    practiceId: String(10_000 + Math.floor(random() * 89_999)),
    practiceKey: randomHex(random, 40),
    timezone: ZONES[index % ZONES.length] ?? 'Australia/Perth',
    name: NAMES[index % NAMES.length] ?? `Practice ${index + 1}`,
  };
}
